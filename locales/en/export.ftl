# export texts (en). Same keys in every language.

## Choosing what to export

export-choose-region = 📤 Which region's requests should go into the file?
export-choose-range = 📤 Requests of { $region }: for which period?
    Dates and times are local to the region ({ $offset }).
export-range-7-days = Last 7 days
export-range-30-days = Last 30 days
export-range-this-month = This month
export-range-last-month = Last month
export-range-all = All time
export-not-your-region = You are not a club lead of this region, so its requests are not available to you.

## The result

export-period = from { $from } to { $to }
export-period-all = for all time, up to { $to }
export-empty = No requests were made in { $region } { $period }. You can choose a longer period: /export
export-caption = 📄 Requests of { $region } { $period }. In all: { $count }.
    Times are local to the region ({ $offset }).
    The file has addresses and phone numbers: please keep it to yourself and do not forward it.

## Columns of the file

export-col-number = Request number
export-col-created = Created
export-col-status = Status
export-col-category = Kind of help
export-col-who = Who needs help
export-col-for-whom = Asked for
export-col-settlement = Town or village
export-col-address = Address
export-col-phone = Phone
export-col-needed-on = Help needed on
export-col-claimed-by = Volunteer
export-col-claimed-at = Taken at
export-col-done-at = Done at
export-col-finished-at = Closed or cancelled at
export-col-details = What is needed

## Cells of the file

export-status-open = waiting for a volunteer
export-status-claimed = taken by a volunteer
export-status-done = done, not confirmed yet
export-status-closed = closed
export-status-cancelled = cancelled
export-for-self = themselves
export-for-other = someone else
export-voice-only = voice message
