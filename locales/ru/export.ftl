# export texts (ru). Same keys in every language.

## Choosing what to export

export-choose-region = 📤 Заявки какого региона выгрузить в файл?
export-choose-range = 📤 Заявки: { $region }. За какой период?
    Даты и время — местные для региона ({ $offset }).
export-range-7-days = Последние 7 дней
export-range-30-days = Последние 30 дней
export-range-this-month = Этот месяц
export-range-last-month = Прошлый месяц
export-range-all = За всё время
export-not-your-region = Вы не координатор этого региона, поэтому его заявки вам недоступны.

## The result

export-period = с { $from } по { $to }
export-period-all = за всё время, по { $to }
export-empty = Заявок не было: { $region }, { $period }. Можно выбрать период подлиннее: /export
export-caption = 📄 Заявки: { $region }, { $period }. Всего: { $count }.
    Время — местное для региона ({ $offset }).
    В файле есть адреса и телефоны: пожалуйста, храните его у себя и никому не пересылайте.

## Columns of the file

export-col-number = Номер заявки
export-col-created = Создана
export-col-status = Состояние
export-col-category = Вид помощи
export-col-who = Кому нужна помощь
export-col-for-whom = Для кого просили
export-col-settlement = Населённый пункт
export-col-address = Адрес
export-col-phone = Телефон
export-col-needed-on = Когда нужна помощь
export-col-claimed-by = Волонтёр
export-col-claimed-at = Взята
export-col-done-at = Выполнена
export-col-finished-at = Закрыта или отменена
export-col-details = Что нужно

## Cells of the file

export-status-open = ждёт волонтёра
export-status-claimed = взята волонтёром
export-status-done = выполнена, ждёт подтверждения
export-status-closed = закрыта
export-status-cancelled = отменена
export-for-self = для себя
export-for-other = для другого человека
export-voice-only = голосовое сообщение
