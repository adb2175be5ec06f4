# digest texts (en). Same keys in every language.

## The daily summary a club lead gets for each of their regions

digest-title = 📋 <b>Daily summary · { $region }</b>
digest-period = The 24 hours up to { $to } (local time).
digest-in-period = <b>In these 24 hours</b>
digest-created = 🆕 New requests: { $n }
digest-claimed = 🤝 Taken by volunteers: { $n }
digest-done = ✅ Marked done by volunteers: { $n }
digest-closed = ✔️ Closed: { $n }
digest-cancelled = ✖️ Cancelled: { $n }
digest-active = 🙋 Volunteers who took or finished requests: { $n }
digest-waiting-header = <b>⏳ Waiting for a volunteer for over 24 hours: { $n }</b>
digest-waiting-none = ⏳ No request has waited for a volunteer for over 24 hours.
digest-voice-only = 🎤 place in the voice message
digest-item-waiting = • #{ $id } · { $category } · { $settlement } · waiting { $age }
digest-held-header = <b>⚠️ Taken but not done for over 48 hours: { $n }</b>
digest-held-none = ⚠️ No request has been held for over 48 hours without being done.
digest-item-held = • #{ $id } · { $category } · { $settlement } · { $volunteer }, for { $age }
digest-more = …and { $n } more
digest-pending = 👤 Volunteers waiting for your approval: { $n } — see /volunteers
digest-pending-none = 👤 No volunteers are waiting for your approval.
digest-totals-header = <b>Since the start</b>
digest-totals = ⏳ Open: { $open } · 🤝 Taken: { $claimed } · ✅ Done, not yet confirmed: { $done }
    ✔️ Closed: { $closed } · ✖️ Cancelled: { $cancelled } · All requests: { $all }
digest-age-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
digest-age-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}

## The Monday chart

digest-chart-title = Requests per day · { $region }
digest-chart-created = New
digest-chart-closed = Closed
digest-chart-cancelled = Cancelled
digest-chart-still-open = New, still open
digest-chart-caption = 📊 Requests per day from { $from } to { $to }: new, closed, cancelled, and how many of each day's new ones are still open.
digest-chart-button = 📊 Requests per day, last four weeks
