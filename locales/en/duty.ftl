## Volunteer duty: your own pause, quiet hours, the claim limit, /stats, weekly repeats

cmd-stats = My help in numbers (volunteers)
help-duty = • /pause — no new requests for a while · /resume — get them again · /quiet — quiet hours · /stats — your help in numbers.

## Pause and resume

duty-paused = ⏸ You are paused. New requests will not come to you until you send /resume.
    { $holding ->
        [0] You hold no requests now.
       *[other] The requests you hold ({ $holding }) stay yours: finish them, or give them back in /my.
    }
duty-already-paused = ⏸ You are already paused. Send /resume when you are ready for new requests.
duty-resumed = ▶️ Welcome back! New requests of your regions will come here again. /tasks shows the ones open now.
duty-not-paused = ▶️ You are not paused: new requests of your regions come to you.
duty-still-suspended = Please note: a club lead has paused you. Requests will come again once a lead resumes you.
duty-still-pending = Please note: your registration is still waiting for the club's approval.
duty-state-paused = ⏸ paused by you — /resume
duty-state-on = ▶️ getting new requests
duty-profile-line = Duty: { $state }
    Quiet hours: { $quiet }
duty-btn-pause = ⏸ Pause
duty-btn-resume = ▶️ Resume
duty-lead-sees-paused = ⏸ paused themselves (gets no new requests)
duty-btn-quiet = 🌙 Quiet hours

## Quiet hours

duty-quiet-none = off
duty-quiet-text = 🌙 <b>Quiet hours: { $quiet }</b>
    During quiet hours new requests wait, and come to you when they end — in the time of the request's region.
    «Today» requests: { $urgent }.
    Choose below.
duty-urgent-now = they come at once, even in quiet hours
duty-urgent-waits = they wait too
duty-btn-quiet-usual = Usual ({ $hours })
duty-btn-quiet-off = 🔔 Off
duty-btn-urgent-on = ⚡ Send «today» requests at once
duty-btn-urgent-off = 🌙 Let «today» requests wait too
duty-saved = ✅ Saved

## The limit on requests held at once

duty-limit-popup = You already hold as many requests as one volunteer can. The list is in the chat.
duty-limit-reached = ✋ You already hold { $count } { $count ->
        [one] request
       *[other] requests
    } — the most one volunteer can hold at once is { $max }. Thank you for doing so much!
    You hold now:
duty-limit-item = • <b>#{ $id }</b> · { $category } · { $settlement } · { $when }
duty-limit-next = When you finish one («✅ Done») or give one back in /my, you can take a new one.

## /stats

duty-stats = 📊 <b>Your help, { $name }</b>
    { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $year }: requests done — { $month_done }, people helped — { $month_people }.
    All time: requests done — { $done }, people helped — { $people }.
    You hold now: { $holding } of { $max }.
duty-stats-first = Your first done request will show here. /tasks shows the open ones.

## Weekly repeats

duty-weekday = { $day ->
    [1] on Mondays
    [2] on Tuesdays
    [3] on Wednesdays
    [4] on Thursdays
    [5] on Fridays
    [6] on Saturdays
   *[7] on Sundays
}
duty-repeat-ask = 🔁 Do you need the same help every week?
    Then we will post request #{ $id } again { $weekly }, and first ask { $name }, who helped you this time.
duty-repeat-ask-anyone = 🔁 Do you need the same help every week?
    Then we will post request #{ $id } again { $weekly }.
duty-btn-repeat = 🔁 Yes, repeat every week
duty-btn-no-repeat = No, thank you
duty-repeat-started = ✅ Good. We will post request #{ $id } again every week, { $weekly }. The next time is { $date }, in the morning.
    To stop it, open /my.
duty-repeat-no = All right. If you need help again, tap «🆘 I need help».
duty-repeat-already = This request already repeats every week. You can stop it in /my.
duty-repeat-not-running = This weekly repeat has already stopped.
duty-repeat-stopped = ⏹ The weekly repeat of request #{ $id } has stopped. No new requests will be posted.
    Requests already posted stay; you can cancel them in /my.
duty-my-repeats = 🔁 Repeated every week:
duty-my-repeat-item = <b>#{ $id }</b> · { $category } · { $settlement }
    { $weekly }, next on { $date }
duty-btn-stop-repeat = ⏹ Stop repeating #{ $id }
duty-repeat-posted = 🔁 Your weekly request is posted again: request #{ $id } · { $category }. We will write here when a volunteer takes it.
    To stop the weekly repeat, open /my.
duty-first-offer = 🔁 <b>A weekly request.</b> You helped last time, so it is offered to you first, for { $hours } hours.
duty-posted-at-night = ✅ Request #{ $id } is posted.
    The volunteers of { $region } are resting now: they will see it from { $time }. We will write here as soon as one of them takes it.

## In the leads' daily digest

digest-paused-none = ⏸ No volunteer has paused themselves.
digest-paused-header = <b>⏸ Paused by their own choice: { $n }</b> (new requests do not come to them)
digest-item-paused = • { $name }, for { $age }
digest-suspended = 🚫 Paused by a club lead: { $n } — see /volunteers
digest-repeats = 🔁 Weekly repeats running: { $running } · repeat requests posted in these 24 hours: { $posted }
digest-repeats-none = 🔁 No weekly repeats are running.

## When quiet hours end

duty-morning-header = 🌅 Good morning! { $n } new requests waited for you while you rested:
duty-morning-more = …and { $n } more: /tasks shows every open request.
duty-morning-footer = Tap one to take it. If someone took it meanwhile, we will say so.

## A week's repeat not posted

duty-repeat-skipped-unfinished = 🔁 { $status ->
    [claimed] A volunteer is still helping with request #{ $id },
   *[open] Request #{ $id } is still waiting for a volunteer,
} so we did not post a new one this week. The next one comes on { $date }. To stop the weekly repeat, open /my.
duty-repeat-skipped-limit = 🔁 You have { $count } requests that are not finished yet, so we did not post this week's repeat of request #{ $id }. The next one comes on { $date }.
duty-repeat-skipped-intake = 🔁 The club of { $region } is not taking new requests through the bot for now, so this week's request was not posted. The club says:
    { $message }
    The next one comes on { $date }, if the club takes requests again by then.
