# digest texts (ru). Same keys in every language.

## Ежедневная сводка координатору клуба, по каждому его региону

digest-title = 📋 <b>Сводка за сутки · { $region }</b>
digest-period = За 24 часа до { $to } (по местному времени).
digest-in-period = <b>За эти 24 часа</b>
digest-created = 🆕 Новые заявки: { $n }
digest-claimed = 🤝 Взяты волонтёрами: { $n }
digest-done = ✅ Отмечены волонтёрами как выполненные: { $n }
digest-closed = ✔️ Закрыты: { $n }
digest-cancelled = ✖️ Отменены: { $n }
digest-active = 🙋 Волонтёры, которые брали или выполняли заявки: { $n }
digest-waiting-header = <b>⏳ Ждут волонтёра больше 24 часов: { $n }</b>
digest-waiting-none = ⏳ Заявок, которые ждут волонтёра больше 24 часов, нет.
digest-voice-only = 🎤 место — в голосовом сообщении
digest-item-waiting = • №{ $id } · { $category } · { $settlement } · ждёт { $age }
digest-held-header = <b>⚠️ Взяты, но не выполнены больше 48 часов: { $n }</b>
digest-held-none = ⚠️ Заявок, которые взяты больше 48 часов назад и не выполнены, нет.
digest-item-held = • №{ $id } · { $category } · { $settlement } · { $volunteer }, уже { $age }
digest-more = …и ещё { $n }
digest-pending = 👤 Волонтёры, которые ждут вашего одобрения: { $n } — см. /volunteers
digest-pending-none = 👤 Волонтёров, которые ждут вашего одобрения, нет.
digest-totals-header = <b>За всё время</b>
digest-totals = ⏳ Открыты: { $open } · 🤝 Взяты: { $claimed } · ✅ Выполнены, ждут подтверждения: { $done }
    ✔️ Закрыты: { $closed } · ✖️ Отменены: { $cancelled } · Всего заявок: { $all }
digest-age-hours = { $n ->
    [one] { $n } час
    [few] { $n } часа
   *[many] { $n } часов
}
digest-age-days = { $n ->
    [one] { $n } день
    [few] { $n } дня
   *[many] { $n } дней
}

## График по понедельникам

digest-chart-title = Заявки по дням · { $region }
digest-chart-created = Новые
digest-chart-closed = Закрыты
digest-chart-cancelled = Отменены
digest-chart-still-open = Новые, ещё открыты
digest-chart-caption = 📊 Заявки по дням с { $from } по { $to }: новые, закрытые, отменённые и сколько из новых за каждый день ещё открыты.
digest-chart-button = 📊 Заявки по дням за четыре недели
