# После визита и рука координатора (ru). Same keys in every language.

## Кнопки

btn-worried = 😟 Я беспокоюсь за этого человека
btn-all-well = ✅ Всё хорошо
btn-aftercare = 🧾 Чек, заметка…
btn-receipt-right = ✅ Да, верно
btn-receipt-wrong = ❌ Нет, это не так
btn-repaid = 💸 Возмещено { $amount }
btn-repaid-n = 💸 Возмещено · №{ $id } · { $amount }
btn-category-n = 🏷 Вид помощи №{ $id }
btn-intake-pause = ⏸ Приостановить: { $region }
btn-intake-resume = ▶️ Возобновить: { $region }

help-requester-voice = • Трудно печатать? Просто отправьте голосовое сообщение: мы спросим только регион и телефон.
help-lead-aftercare = • /receipts — что потратили волонтёры и что им должен клуб · /intake — приостановить или возобновить приём заявок в регионе.

## После «Выполнено»: необязательные вопросы волонтёру

aftercare-ask-amount = 🧾 Вы потратили свои деньги на заявку №{ $id }? Напишите сумму в рублях, например 350 или 350,50 — или нажмите «⏭ Пропустить».
aftercare-ask-photo = 📷 Пришлите фото чека — или нажмите «⏭ Пропустить».
aftercare-ask-note = 📝 Заметка для следующего волонтёра, который будет помогать этому человеку? Например: «лифт сломан, звонить дважды». Напишите её — или нажмите «⏭ Пропустить».
aftercare-ask-worried = Вас что-то беспокоит в положении этого человека?
aftercare-ask-concern = 😟 Напишите несколько слов: что вас беспокоит в положении человека из заявки №{ $id }? Координаторы клуба прочитают это сразу.
aftercare-later = Когда будет минутка: вы потратили деньги на заявку №{ $id } или хотите оставить заметку следующему волонтёру? Нажмите ниже.
aftercare-need-amount = Пожалуйста, напишите сумму числом, например 350 или 350,50 — или нажмите «⏭ Пропустить».
aftercare-amount-bounds = Сумма должна быть больше 0 и не больше { $max }.
aftercare-need-photo = Пожалуйста, пришлите фото чека — или нажмите «⏭ Пропустить».
aftercare-receipt-saved = 🧾 Сохранено: { $amount }. Мы попросили человека подтвердить сумму, координаторы клуба вернут вам деньги.
aftercare-receipt-already = 🧾 Сумма по заявке №{ $id } уже записана: { $amount }. Спасибо — координаторы клуба вернут вам деньги.
aftercare-note-saved = 📝 Спасибо — следующий волонтёр увидит вашу заметку.
aftercare-thanks = 🙏 Спасибо за помощь по заявке №{ $id }!
aftercare-stopped = Хорошо. То, что вы уже прислали по заявке №{ $id }, сохранено.
aftercare-not-yours = Заявка №{ $id } больше не ваша, поэтому к ней ничего не добавлено.
aftercare-concern-sent = 😟 Спасибо. Координаторы клуба получили ваши слова о заявке №{ $id } и разберутся.
aftercare-notes-header = 📝 <b>Заметки с прошлых визитов:</b>

## Заявитель подтверждает сумму

aftercare-receipt-ask = 🧾 Волонтёр говорит, что потратил { $amount } на заявку №{ $id }. Это верно?
aftercare-receipt-thanks = 🙏 Спасибо, что подтвердили.
aftercare-receipt-disputed = Спасибо, что сказали. Координаторы клуба разберутся.

## Координаторы клуба

aftercare-receipt-lead = 🧾 Заявка №{ $id } ({ $category }): { $volunteer } потратил(а) { $amount }. Мы попросили человека подтвердить сумму.
aftercare-receipt-disputed-lead = ❗ Заявка №{ $id }: человек говорит, что сумма { $amount }, которую назвал(а) { $volunteer }, неверна. Пожалуйста, проверьте, прежде чем возмещать.
aftercare-concern-lead = 😟 <b>Волонтёр беспокоится о человеке из заявки №{ $id }</b> ({ $category }, { $region }; { $status })
    { $volunteer } пишет: «{ $words }»
aftercare-already-repaid = Заявка №{ $id }: этот чек уже отмечен как возмещённый.
aftercare-repaid-volunteer = 💸 Клуб вернул вам { $amount } за заявку №{ $id }. Спасибо!
aftercare-repaid-lead = 💸 Отмечено как возмещённое: { $amount } — { $volunteer }, заявка №{ $id }.
aftercare-receipts-none = 🧾 В ваших регионах нет долгов перед волонтёрами.
aftercare-receipts-header = <b>🧾 Нужно возместить: { $n }</b>
aftercare-receipts-item = • №{ $id } · { $amount } · { $volunteer } · { $answer } · { $region }
aftercare-receipts-more = …и ещё { $n }
aftercare-answer-asked = человек ещё не ответил
aftercare-answer-confirmed = человек подтвердил
aftercare-answer-disputed = ❗ человек говорит, что неверно

## Приостановка приёма заявок

intake-paused-requester = ⏸ Клуб в регионе «{ $region }» сейчас не принимает новые заявки через этого бота. Вот что он просит передать:
    «{ $message }»
    Вы можете выбрать другой регион или нажать «❌ Отмена».
intake-header = <b>Новые заявки в ваших регионах</b>
intake-item-open = • { $region }: ✅ заявки принимаются
intake-item-paused = • { $region }: ⏸ приостановлено — люди читают «{ $message }»
intake-pause-ask = ⏸ Приём новых заявок в регионе «{ $region }» будет приостановлен. Что прочитают люди вместо этого? Например: «Пожалуйста, позвоните на горячую линию +7 …». Напишите текст.
intake-paused = ⏸ Приём новых заявок в регионе «{ $region }» приостановлен. Кто выберет этот регион, прочитает ваше сообщение. Возобновить: /intake.
intake-already-paused = Приём заявок там уже приостановлен.
intake-not-paused = Приём заявок там не приостановлен.
intake-paused-other-lead = ⏸ { $name } приостановил(а) приём новых заявок в регионе «{ $region }».
intake-resumed = ▶️ Регион «{ $region }» снова принимает новые заявки.
intake-resumed-other-lead = ▶️ { $name } возобновил(а) приём новых заявок в регионе «{ $region }».

## Быстрая голосовая заявка

voice-ask-region = 🎤 Я вас услышал. В каком вы регионе? Напишите часть названия или выберите ниже.
voice-heard-again = 🎤 Хорошо, передадим это, последнее сообщение.
voice-ask-phone = 📞 По какому номеру волонтёр может вам позвонить? Номер увидит только волонтёр, который возьмёт заявку.
voice-posted = ✅ Заявка №{ $id } опубликована. Волонтёры региона «{ $region }» услышат ваше голосовое сообщение. Мы напишем здесь, как только кто-то из них её возьмёт.
voice-request-lead = 🎤 Новая голосовая заявка №{ $id } в регионе «{ $region }». Выберите вид помощи, чтобы её увидели нужные волонтёры:
voice-category-ask = 🏷 Вид помощи для заявки №{ $id }:
voice-category-set = 🏷 Заявка №{ $id }: вид помощи — { $category }.
voice-category-too-late = Заявка завершена, вид помощи больше не меняется.

## Сводка и выгрузка

digest-receipts-due = 🧾 Нужно возместить волонтёрам: { $n }, всего { $sum } — см. /receipts
digest-receipts-none = 🧾 Долгов перед волонтёрами нет.
digest-receipts-repaid = 💸 Возмещено за эти 24 часа: { $n }, { $sum }
digest-concerns = 😟 Волонтёры беспокоились о человеке за эти 24 часа: { $n }
digest-concerns-none = 😟 За эти 24 часа волонтёры ни о ком не беспокоились.
export-col-spent = Потратил волонтёр (руб.)
export-col-amount-answer = Ответ человека о сумме
export-col-reimbursement = Возмещение
export-col-repaid-at = Возмещено
export-amount-asked = не ответил
export-amount-confirmed = подтвердил
export-amount-disputed = говорит, что неверно
export-reimbursement-due = нужно возместить
export-reimbursement-repaid = возмещено
