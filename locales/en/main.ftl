# English texts. Keep the same keys as locales/ru/main.ftl (a test checks).
# Short lines, the question first, plain words. HTML: only <b> and <a>; user text is escaped in code.

## Start, help, menus

start-intro = 👋 Hello, { $name }! This bot connects people who need everyday help with volunteers of their region.
    Need help, or want to help? Choose below.
help-requester = <b>How to ask for help</b>
    • Tap «🆘 I need help» and answer a few short questions.
    • Volunteers of your region see your request. We write here as soon as one takes it.
    • /my — your requests · /cancel — stop filling in · /language — change language.
help-volunteer = <b>As a volunteer</b>
    • New requests of your regions come here: tap «🤝 Take it» to take one.
    • /tasks — open requests · /my — requests you hold · /profile — your regions and kinds of help.
    • /language — change language · /cancel — stop what you are filling in.
menu-need-help = 🆘 I need help
menu-want-help = 🤝 I want to help
menu-my = 📋 My requests
menu-tasks = 🔎 Open requests
menu-profile = 👤 My profile
menu-what-next = What would you like to do?
not-understood = I didn't understand that. Please choose one of the buttons below.
cancelled = Cancelled. Nothing was saved.
nothing-to-cancel = There is nothing to cancel.
language-choose = Choose your language:
language-set = Language: English.
group-use-private = I work in private messages. Please write to me: @{ $bot }
role-volunteers-only = This is for volunteers. To become one, tap «🤝 I want to help».
finish-first = Let's finish this first — or send /cancel to stop.
error-generic = Sorry, something went wrong on our side. Please try again in a minute.

## Command menu

cmd-start = Start: ask for help or offer help
cmd-help = What this bot can do
cmd-my = My requests
cmd-tasks = Open requests (volunteers)
cmd-profile = My volunteer profile
cmd-language = Change language
cmd-cancel = Stop what I am filling in
cmd-delete-me = Erase my personal data

## Buttons used in many places

btn-back = ⬅️ Back
btn-cancel = ❌ Cancel
btn-skip = ⏭ Skip
btn-finish = ✅ Done
btn-prev-page = ◀️ Previous
btn-next-page = ▶️ More
btn-share-phone = 📞 Share my number
chosen-item = ✅ { $name }

## Bad input

input-need-text = Please type your answer, or use the buttons below.
input-need-text-or-voice = Please type it, or send a voice message 🎤.
input-empty = That looks empty. Please write a few words.
input-too-long = That is too long: { $got } characters, the limit is { $max }. Please make it shorter.
input-bad-phone = That doesn't look like a phone number. Example: +7 912 345-67-89. Or tap «⏭ Skip».
date-unreadable = I couldn't read that date. Please write it like 15.12 or 15.12.2026.
date-past = That date has already passed. Please choose today or a later date.
date-too-far = That is more than a year ahead. Please choose a closer date.
region-not-found = I couldn't find a region called «{ $query }». Please try another spelling, or choose below.
region-not-found-close = I couldn't find «{ $query }». Did you mean one of these?
region-several = Several regions match «{ $query }». Please choose yours below.

## Asking for help

req-ask-for-whom = 🆘 Who needs help?
req-for-me = 🙋 Me
req-for-other = 👥 Someone else
req-ask-other-name = What is the name of the person who needs help? For example: Maria Ivanovna.
req-ask-beneficiary-self = Which describes you best?
req-ask-beneficiary-other = Which describes { $name } best?
beneficiary-elderly = 👵 Elderly person
beneficiary-limited-mobility = ♿ Limited mobility
beneficiary-family-in-need = 👨‍👩‍👧 Family in need, large family
beneficiary-single-parent = 👩‍👦 Single parent
beneficiary-pregnant = 🤰 Pregnant woman
beneficiary-other = 🙂 Other
who-elderly = an elderly person
who-limited-mobility = a person with limited mobility
who-family-in-need = a family in need
who-single-parent = a single parent
who-pregnant = a pregnant woman
who-other = a person in need
req-ask-region = 📍 Which region? Type part of its name (for example «Pskov») or choose below.
req-ask-category = What kind of help is needed?
category-groceries = 🛒 Groceries
category-medicine = 💊 Medicine
category-transport = 🚗 Transport or escort
category-household = 🏠 Household
category-paperwork = 📄 Paperwork or advice
category-talk = ☎️ Someone to talk to
category-other = ✳️ Other
req-ask-details = What exactly is needed? Write a few words (up to 1,000 characters) or send a voice message 🎤.
req-ask-settlement = Which town or village?
req-ask-address = Street, house and flat? Only the volunteer who takes the request will see it.
req-ask-when = When is help needed?
when-today = Today
when-soon = Within 3 days
when-date = 📅 Choose a date
req-ask-date = Which date? Write it like 15.12
req-ask-phone = A phone number for the volunteer to call? Only the volunteer who takes the request will see it.
req-summary = Please check your request:
    
    { $summary }
    
    Is everything right?
btn-confirm = ✅ Send the request
btn-change = ✏️ Change something
req-ask-change = What would you like to change?
btn-back-to-summary = ⬅️ Back to the summary
field-for-whom = For whom
field-beneficiary = Who it is
field-region = Region
field-category = Kind of help
field-details = What is needed
field-settlement = Town or village
field-address = Address
field-when = When
field-phone = Phone
summary-for-me = 🙋 For: me
summary-for-other = 👥 For: { $name }
summary-who = 👤 { $who }
summary-region = 📍 { $region }
summary-category = { $category }
summary-details = 📝 { $details }
summary-voice = 🎤 Voice message
summary-place = 🏘 { $settlement }, { $address }
summary-place-no-address = 🏘 { $settlement }
summary-when = ⏰ { $when }
summary-phone = 📞 { $phone }
summary-no-phone = 📞 No phone — the volunteer will write to you here
req-posted = ✅ Request #{ $id } is posted.
    Volunteers of { $region } see it now. We will write here as soon as one of them takes it.
req-posted-nobody = ✅ Request #{ $id } is saved.
    There are no volunteers for this kind of help in { $region } yet. The club's coordinators will see it, and we will write here as soon as someone takes it.
when-today-on = today, { $date }
when-soon-by = within 3 days (by { $date })
when-on-date = on { $date }

## Pushes to volunteers

push-text = 🆘 <b>Request #{ $id }</b> · { $category }
    👤 For { $who }
    📍 { $place }
    ⏰ { $when }
    
    { $details }
push-voice-only = 🎤 A voice message — you will get it when you take the request.
btn-claim = 🤝 Take it
push-taken = ✅ Request #{ $id } ({ $category }, { $place }) has been taken by a volunteer. Thank you!
push-taken-by-you = 🤝 You took request #{ $id }. The details are below.
push-cancelled = ✖️ Request #{ $id } was cancelled by the person who asked.
push-gone = Request #{ $id } is no longer open.

## Taking a request

claim-ok = ✅ It's yours! The details are in the chat.
claim-taken = Sorry, another volunteer has just taken this request. Thank you for being ready to help!
claim-gone = This request is no longer open.
claim-not-volunteer = Only registered volunteers can take requests. Tap «🤝 I want to help» to register.
claim-pending = Your registration is waiting for approval by the club. You can take requests after that.
claim-other-region = This request is in a region you don't cover. You can add regions in /profile.
claim-own = This is your own request.
claimer-details = 🤝 <b>You took request #{ $id }</b> · { $category }
    👤 { $who }
    📍 { $place }
    🏠 { $address }
    { $contact }
    ⏰ { $when }
    
    { $details }
    
    When you have helped, tap «✅ Done». If you can't go after all, tap «↩️ Give back».
claimer-phone = 📞 { $phone } ({ $name })
claimer-no-phone = 💬 No phone given — write to the person through the bot: press «{ $button }» below.
claimer-no-address = not given — ask when you call
claimer-voice = 🎤 The voice message for request #{ $id }
btn-mark-done = ✅ Done
btn-release = ↩️ Give back
requester-claimed = 🤝 Good news! Volunteer { $name } has taken your request #{ $id } and will contact you soon.

## Giving a request back

release-ask = Why are you giving request #{ $id } back? It will go to other volunteers again.
release-reason-no-time = ⏰ I can't make it in time
release-reason-too-far = 📍 It's too far for me
release-reason-came-up = 🤒 Something came up
release-ok = ↩️ You gave request #{ $id } back. Thank you for telling us — other volunteers see it now.
requester-released = The volunteer can't come after all, sorry. Request #{ $id } is open again and other volunteers see it now. We will write here when one takes it.
not-held-by-you = This request is not yours any more.

## Done and confirmation

done-ok = ✅ Thank you! We asked the person to confirm that request #{ $id } is done.
requester-ask-confirm = The volunteer says request #{ $id } is done. Did you get the help?
btn-got-help = ✅ Yes, thank you
btn-not-yet = ❌ Not yet
confirm-thanks-requester = 🙏 Thank you! Request #{ $id } is closed. If you need help again, tap «🆘 I need help».
confirm-thanks-volunteer = 🙏 The person confirmed that request #{ $id } is done. Thank you for your help!
not-yet-requester = We are sorry. Request #{ $id } is open again: other volunteers see it now, and we will write here when one takes it.
not-yet-volunteer = The person says the help for request #{ $id } has not arrived yet. It is open again for other volunteers.
already-answered = Thank you, we already have your answer.

## Cancelling a request

cancel-ask = Cancel request #{ $id }?
btn-cancel-sure = Yes, cancel it
btn-cancel-keep = No, keep it
cancel-ok = Request #{ $id } is cancelled. If you need help again, tap «🆘 I need help».
cancel-kept = Good, request #{ $id } stays as it is.
cancel-volunteer = ✖️ Request #{ $id } was cancelled by the person who asked. You don't need to go. Thank you!
cancel-too-late = Request #{ $id } can't be cancelled any more: { $status }.

## Stale or foreign buttons

stale-button = This button is out of date.
request-not-found = This request no longer exists.
not-your-request = This is not your request.

## Lists

tasks-header = 🔎 Open requests for you: { $total }. Page { $page } of { $pages }.
tasks-empty = There are no open requests for you right now. We will send you new ones as they come.
tasks-item = <b>#{ $id }</b> · { $category } · { $place } · { $when }
    { $details }
btn-claim-n = 🤝 Take #{ $id }
my-held-header = 🗂 Requests you hold: { $count }
my-held-none = You don't hold any requests. /tasks shows the open ones.
my-requests-header = 📋 Your requests:
my-requests-none = You have no requests yet. Tap «🆘 I need help» to ask.
my-request-item = <b>#{ $id }</b> · { $category } · { $when }
    { $status }
btn-cancel-request = ❌ Cancel #{ $id }
status-open = ⏳ Waiting for a volunteer
status-claimed = 🤝 A volunteer is on it
status-done = ✅ Done — please confirm
status-closed = ✔️ Closed
status-cancelled = ✖️ Cancelled

## Volunteer registration and profile

vol-ask-name = 🤝 Thank you for wanting to help! What name should we show the people you help?
vol-ask-regions = Which region do you help in? Type part of its name or choose below. You can choose several, then tap «✅ Done».
vol-regions-chosen = Chosen: { $list }. Choose more or tap «✅ Done».
vol-regions-none = Please choose at least one region.
vol-ask-categories = What kinds of help can you give? Tap to choose — several are fine — then «✅ Done».
vol-categories-chosen = Chosen: { $list }.
vol-categories-none = Please choose at least one kind of help.
vol-ask-phone = Your phone number, for the club's coordinators? You can skip this.
vol-registered = ✅ You are registered as a volunteer.
    Regions: { $regions }
    Kinds of help: { $categories }
    We will send you requests that fit. /tasks shows the open ones now.
vol-registered-pending = ✅ Thank you! Your registration is waiting for approval by the club's coordinator. We will write to you here.
vol-saved = ✅ Saved.
profile-text = 👤 <b>{ $name }</b>
    Status: { $status }
    Regions: { $regions }
    Kinds of help: { $categories }
    Phone: { $phone }
profile-no-phone = not given
vol-status-approved = active
vol-status-pending = waiting for approval
vol-status-rejected = not approved
vol-status-suspended = paused by the club
btn-edit-name = ✏️ Name
btn-edit-regions = ✏️ Regions
btn-edit-categories = ✏️ Kinds of help
btn-edit-phone = ✏️ Phone

## Personal data

details-retracted = Request #{ $id } is no longer with you. Its address and phone were removed from this message.
slow-down = You are sending a lot of messages very fast. Please wait a moment; I will answer again in a minute.
too-many-open = You already have { $count } requests that are not finished. Please wait for them, or cancel one in /my, before asking for more help.
