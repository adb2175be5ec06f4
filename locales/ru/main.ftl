# Russian texts. Keep the same keys as locales/en/main.ftl (a test checks).
# Short lines, the question first, plain words. HTML: only <b> and <a>; user text is escaped in code.

## Start, help, menus

start-intro = 👋 Здравствуйте, { $name }! Этот бот помогает людям, которым нужна помощь в повседневных делах, найти волонтёров в своём регионе.
    Вам нужна помощь или вы хотите помогать? Выберите ниже.
help-requester = <b>Как попросить о помощи</b>
    • Нажмите «🆘 Мне нужна помощь» и ответьте на несколько коротких вопросов.
    • Вашу заявку увидят волонтёры вашего региона. Как только кто-то из них её возьмёт, мы сразу напишем сюда.
    • /my — ваши заявки · /cancel — прервать заполнение · /language — сменить язык.
help-volunteer = <b>Для волонтёров</b>
    • Сюда приходят новые заявки из ваших регионов. Чтобы взять заявку, нажмите «🤝 Взять».
    • /tasks — открытые заявки · /my — заявки, которые вы взяли · /profile — ваши регионы и виды помощи.
    • /language — сменить язык · /cancel — прервать заполнение.
menu-need-help = 🆘 Мне нужна помощь
menu-want-help = 🤝 Хочу помогать
menu-my = 📋 Мои заявки
menu-tasks = 🔎 Открытые заявки
menu-profile = 👤 Мой профиль
menu-what-next = Что вы хотите сделать?
not-understood = Извините, не получилось понять ваше сообщение. Пожалуйста, выберите одну из кнопок ниже.
cancelled = Отменено. Ничего не сохранено.
nothing-to-cancel = Отменять нечего.
language-choose = Выберите язык:
language-set = Язык: русский.
group-use-private = Я работаю только в личных сообщениях. Пожалуйста, напишите мне: @{ $bot }
role-volunteers-only = Это раздел для волонтёров. Чтобы стать волонтёром, нажмите «🤝 Хочу помогать».
finish-first = Давайте сначала закончим это. Или отправьте /cancel, чтобы прервать.
error-generic = Извините, у нас что-то пошло не так. Пожалуйста, попробуйте ещё раз через минуту.

## Command menu

cmd-start = Начать: попросить о помощи или помогать
cmd-help = Что умеет этот бот
cmd-my = Мои заявки
cmd-tasks = Открытые заявки (для волонтёров)
cmd-profile = Мой профиль волонтёра
cmd-language = Сменить язык
cmd-cancel = Прервать заполнение
cmd-delete-me = Удалить мои личные данные

## Buttons used in many places

btn-back = ⬅️ Назад
btn-cancel = ❌ Отмена
btn-skip = ⏭ Пропустить
btn-finish = ✅ Готово
btn-prev-page = ◀️ Предыдущие
btn-next-page = ▶️ Ещё
btn-share-phone = 📞 Поделиться номером
chosen-item = ✅ { $name }

## Bad input

input-need-text = Пожалуйста, напишите ответ или нажмите кнопку ниже.
input-need-text-or-voice = Пожалуйста, напишите текстом или отправьте голосовое сообщение 🎤.
input-empty = Похоже, сообщение пустое. Пожалуйста, напишите несколько слов.
input-too-long = Слишком длинный текст. Знаков: { $got }, а можно не больше { $max }. Пожалуйста, напишите короче.
input-bad-phone = Это не похоже на номер телефона. Пример: +7 912 345-67-89. Или нажмите «⏭ Пропустить».
date-unreadable = Не получилось понять дату. Пожалуйста, напишите её так: 15.12 или 15.12.2026.
date-past = Эта дата уже прошла. Пожалуйста, выберите сегодняшний или более поздний день.
date-too-far = Это больше чем через год. Пожалуйста, выберите дату поближе.
region-not-found = Не нашлось региона «{ $query }». Попробуйте написать по-другому или выберите ниже.
region-not-found-close = Не нашлось «{ $query }». Может быть, вы имели в виду один из этих регионов?
region-several = Под «{ $query }» подходят несколько регионов. Пожалуйста, выберите свой ниже.

## Asking for help

req-ask-for-whom = 🆘 Кому нужна помощь?
req-for-me = 🙋 Мне
req-for-other = 👥 Другому человеку
req-ask-other-name = Как зовут человека, которому нужна помощь? Например: Мария Ивановна.
req-ask-beneficiary-self = Кто вы? Выберите, что подходит лучше всего.
req-ask-beneficiary-other = { $name } — кто это? Выберите, что подходит лучше всего.
beneficiary-elderly = 👵 Пожилой человек
beneficiary-limited-mobility = ♿ Ограниченная подвижность
beneficiary-family-in-need = 👨‍👩‍👧 Нуждающаяся или многодетная семья
beneficiary-single-parent = 👩‍👦 Одинокий родитель
beneficiary-pregnant = 🤰 Беременная женщина
beneficiary-other = 🙂 Другая ситуация
who-elderly = пожилой человек
who-limited-mobility = человек с ограниченной подвижностью
who-family-in-need = семья в трудной ситуации
who-single-parent = одинокий родитель
who-pregnant = беременная женщина
who-other = человек, которому нужна помощь
req-ask-region = 📍 В каком регионе? Напишите часть названия (например, «Псков») или выберите ниже.
req-ask-category = Какая помощь нужна?
category-groceries = 🛒 Продукты
category-medicine = 💊 Лекарства
category-transport = 🚗 Поездка или сопровождение
category-household = 🏠 Помощь по дому
category-paperwork = 📄 Документы или совет
category-talk = ☎️ Общение и поддержка
category-other = ✳️ Другая помощь
req-ask-details = Что именно нужно? Напишите несколько слов (до 1000 знаков) или отправьте голосовое сообщение 🎤.
req-ask-settlement = В каком городе или селе?
req-ask-address = Улица, дом и квартира? Адрес увидит только волонтёр, который возьмёт заявку.
req-ask-when = Когда нужна помощь?
when-today = Сегодня
when-soon = В ближайшие 3 дня
when-date = 📅 Выбрать дату
req-ask-date = Какого числа? Напишите так: 15.12
req-ask-phone = По какому номеру волонтёр может позвонить? Номер увидит только волонтёр, который возьмёт заявку.
req-summary = Пожалуйста, проверьте заявку:
    
    { $summary }
    
    Всё верно?
btn-confirm = ✅ Отправить заявку
btn-change = ✏️ Исправить
req-ask-change = Что вы хотите исправить?
btn-back-to-summary = ⬅️ Назад к заявке
field-for-whom = Кому
field-beneficiary = Кто это
field-region = Регион
field-category = Вид помощи
field-details = Что нужно
field-settlement = Город или село
field-address = Адрес
field-when = Когда
field-phone = Телефон
summary-for-me = 🙋 Кому: мне
summary-for-other = 👥 Кому: { $name }
summary-who = 👤 Кто: { $who }
summary-region = 📍 { $region }
summary-category = { $category }
summary-details = 📝 { $details }
summary-voice = 🎤 Голосовое сообщение
summary-place = 🏘 { $settlement }, { $address }
summary-place-no-address = 🏘 { $settlement }
summary-when = ⏰ { $when }
summary-phone = 📞 { $phone }
summary-no-phone = 📞 Без телефона — волонтёр напишет вам здесь
req-posted = ✅ Заявка №{ $id } отправлена.
    Её уже видят волонтёры региона «{ $region }». Мы напишем сюда, как только кто-то из них возьмёт заявку.
req-posted-nobody = ✅ Заявка №{ $id } сохранена.
    В регионе «{ $region }» пока нет волонтёров для такой помощи. Заявку увидят координаторы клуба. Мы напишем сюда, как только кто-то её возьмёт.
when-today-on = сегодня, { $date }
when-soon-by = в ближайшие 3 дня (до { $date })
when-on-date = { $date }

## Pushes to volunteers

push-text = 🆘 <b>Заявка №{ $id }</b> · { $category }
    👤 Кому: { $who }
    📍 { $place }
    ⏰ { $when }
    
    { $details }
push-voice-only = 🎤 Голосовое сообщение — вы получите его, когда возьмёте заявку.
btn-claim = 🤝 Взять
push-taken = ✅ Заявку №{ $id } ({ $category }, { $place }) уже взял волонтёр. Спасибо!
push-taken-by-you = 🤝 Вы взяли заявку №{ $id }. Подробности ниже.
push-cancelled = ✖️ Заявка №{ $id } отменена по просьбе того, кто её оставил.
push-gone = Заявка №{ $id } уже неактуальна.

## Taking a request

claim-ok = ✅ Заявка теперь ваша! Подробности — в чате.
claim-taken = Извините, эту заявку только что взял другой волонтёр. Спасибо, что готовы помочь!
claim-gone = Эта заявка уже неактуальна.
claim-not-volunteer = Брать заявки могут только зарегистрированные волонтёры. Чтобы зарегистрироваться, нажмите «🤝 Хочу помогать».
claim-pending = Ваша регистрация ждёт подтверждения от клуба. После этого вы сможете брать заявки.
claim-other-region = Эта заявка из региона, в котором вы не помогаете. Добавить регионы можно в /profile.
claim-own = Это ваша собственная заявка.
claimer-details = 🤝 <b>Вы взяли заявку №{ $id }</b> · { $category }
    👤 Кому: { $who }
    📍 { $place }
    🏠 { $address }
    { $contact }
    ⏰ { $when }
    
    { $details }
    
    Когда поможете, нажмите «✅ Сделано». Если всё-таки не сможете, нажмите «↩️ Вернуть».
claimer-phone = 📞 { $phone } ({ $name })
claimer-no-phone = 💬 Телефон не указан — напишите человеку через бота: кнопка «{ $button }» ниже.
claimer-no-address = не указан — спросите, когда будете звонить
claimer-voice = 🎤 Голосовое сообщение к заявке №{ $id }
btn-mark-done = ✅ Сделано
btn-release = ↩️ Вернуть
requester-claimed = 🤝 Хорошая новость! Вашу заявку №{ $id } взяли. Волонтёр { $name } скоро свяжется с вами.

## Giving a request back

release-ask = Почему вы возвращаете заявку №{ $id }? Её снова увидят другие волонтёры.
release-reason-no-time = ⏰ Не успеваю
release-reason-too-far = 📍 Мне слишком далеко
release-reason-came-up = 🤒 Что-то помешало
release-ok = ↩️ Вы вернули заявку №{ $id }. Спасибо, что сообщили — теперь её видят другие волонтёры.
requester-released = К сожалению, волонтёр всё-таки не сможет помочь. Заявка №{ $id } снова открыта, её видят другие волонтёры. Мы напишем сюда, когда кто-то из них её возьмёт.
not-held-by-you = Эта заявка больше не закреплена за вами.

## Done and confirmation

done-ok = ✅ Спасибо! Мы попросили человека подтвердить, что заявка №{ $id } выполнена.
requester-ask-confirm = Волонтёр сообщает, что заявка №{ $id } выполнена. Вы получили помощь?
btn-got-help = ✅ Да, спасибо
btn-not-yet = ❌ Пока нет
confirm-thanks-requester = 🙏 Спасибо! Заявка №{ $id } закрыта. Если снова понадобится помощь, нажмите «🆘 Мне нужна помощь».
confirm-thanks-volunteer = 🙏 Человек подтвердил, что заявка №{ $id } выполнена. Спасибо за вашу помощь!
not-yet-requester = Нам очень жаль. Заявка №{ $id } снова открыта: её видят другие волонтёры. Мы напишем сюда, когда кто-то из них её возьмёт.
not-yet-volunteer = Человек сообщает, что пока не получил помощь по заявке №{ $id }. Заявка снова открыта для других волонтёров.
already-answered = Спасибо, ваш ответ уже получен.

## Cancelling a request

cancel-ask = Отменить заявку №{ $id }?
btn-cancel-sure = Да, отменить
btn-cancel-keep = Нет, оставить
cancel-ok = Заявка №{ $id } отменена. Если снова понадобится помощь, нажмите «🆘 Мне нужна помощь».
cancel-kept = Хорошо, заявка №{ $id } остаётся в силе.
cancel-volunteer = ✖️ Заявка №{ $id } отменена по просьбе того, кто её оставил. Приходить не нужно. Спасибо!
cancel-too-late = Заявку №{ $id } уже нельзя отменить: { $status }.

## Stale or foreign buttons

stale-button = Эта кнопка устарела.
request-not-found = Этой заявки больше нет.
not-your-request = Это не ваша заявка.

## Lists

tasks-header = 🔎 Открытых заявок для вас: { $total }. Страница { $page } из { $pages }.
tasks-empty = Сейчас для вас нет открытых заявок. Новые мы пришлём, как только они появятся.
tasks-item = <b>№{ $id }</b> · { $category } · { $place } · { $when }
    { $details }
btn-claim-n = 🤝 Взять №{ $id }
my-held-header = 🗂 Заявок у вас в работе: { $count }
my-held-none = У вас нет заявок в работе. Открытые заявки — по команде /tasks.
my-requests-header = 📋 Ваши заявки:
my-requests-none = У вас пока нет заявок. Чтобы попросить о помощи, нажмите «🆘 Мне нужна помощь».
my-request-item = <b>№{ $id }</b> · { $category } · { $when }
    { $status }
btn-cancel-request = ❌ Отменить №{ $id }
status-open = ⏳ Ждёт волонтёра
status-claimed = 🤝 Волонтёр уже занимается
status-done = ✅ Выполнена — подтвердите, пожалуйста
status-closed = ✔️ Закрыта
status-cancelled = ✖️ Отменена

## Volunteer registration and profile

vol-ask-name = 🤝 Спасибо, что хотите помогать! Какое имя показывать людям, которым вы будете помогать?
vol-ask-regions = В каком регионе вы помогаете? Напишите часть названия или выберите ниже. Можно выбрать несколько, затем нажмите «✅ Готово».
vol-regions-chosen = Выбрано: { $list }. Выберите ещё или нажмите «✅ Готово».
vol-regions-none = Пожалуйста, выберите хотя бы один регион.
vol-ask-categories = Какую помощь вы можете оказывать? Нажимайте, чтобы выбрать (можно несколько), затем «✅ Готово».
vol-categories-chosen = Выбрано: { $list }.
vol-categories-none = Пожалуйста, выберите хотя бы один вид помощи.
vol-ask-phone = Ваш номер телефона для координаторов клуба? Этот шаг можно пропустить.
vol-registered = ✅ Вы зарегистрированы как волонтёр.
    Регионы: { $regions }
    Виды помощи: { $categories }
    Мы будем присылать вам подходящие заявки. Открытые заявки сейчас — по команде /tasks.
vol-registered-pending = ✅ Спасибо! Ваша регистрация ждёт подтверждения координатора клуба. Мы напишем вам здесь.
vol-saved = ✅ Сохранено.
profile-text = 👤 <b>{ $name }</b>
    Статус: { $status }
    Регионы: { $regions }
    Виды помощи: { $categories }
    Телефон: { $phone }
profile-no-phone = не указан
vol-status-approved = активный
vol-status-pending = ждёт подтверждения
vol-status-rejected = регистрация не подтверждена
vol-status-suspended = на паузе по решению клуба
btn-edit-name = ✏️ Имя
btn-edit-regions = ✏️ Регионы
btn-edit-categories = ✏️ Виды помощи
btn-edit-phone = ✏️ Телефон

## Personal data

details-retracted = Заявка №{ $id } больше не у вас. Адрес и телефон из этого сообщения удалены.
slow-down = Вы отправляете очень много сообщений подряд. Пожалуйста, подождите немного — через минуту я снова отвечу.
too-many-open = У вас уже { $count } незавершённых заявок. Пожалуйста, дождитесь их или отмените одну в /my, прежде чем просить о новой помощи.
