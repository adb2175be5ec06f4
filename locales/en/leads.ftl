# leads texts (en). Same keys in every language.

## Roles

role-operators-only = This is for the bot's operators.
role-leads-only = This is for club leads. An operator can invite you with a link.
help-lead = <b>As a club lead</b>
    • /volunteers — your regions' volunteers: approve, pause, see who holds what.
    • /requests — open, stale and taken requests, with your actions.
    • /digest — the summary now (it also comes every morning) · /export — a CSV of requests.
    • In your club's group: /bind_region to post new requests there, /unbind_region to stop.
help-operator = <b>As an operator</b>
    • /invite_lead — a one-time link that makes someone a club lead of a region.
    • /leads — every club lead; remove one with a button.

## Invitations

invite-ask-region = Which region is the new club lead for? Type part of its name or choose below.
invite-link = 🔗 Invitation for a club lead of { $region }:
    { $link }
    It works once and for { $days } days. Send it to the person you trust with the region.
invite-welcome = ✅ You are now a club lead of { $region }.
    You will get volunteers to approve, a summary every morning and alerts about requests nobody takes. /help shows your commands.
invite-used-operator = ✅ { $name } opened your invitation and is now a club lead of { $region }.
invite-already-lead = You are already a club lead of { $region }.
invite-used = This invitation has already been used. Please ask the operator for a new one.
invite-expired = This invitation has expired. Please ask the operator for a new one.
invite-unknown = This invitation link is not valid. Please check it, or ask the operator for a new one.
leads-header = 👥 Club leads:
leads-none = There are no club leads yet. /invite_lead makes an invitation.
btn-remove-lead = ❌ { $name } — { $region }
lead-removed = You are no longer a club lead of { $region }. Thank you for everything you did!
lead-removed-operator = { $name } is no longer a club lead of { $region }.
club-bind-in-group = Send this command in your club's group chat, after adding me there.

## Vetting volunteers

vet-request = 🙋 A new volunteer asks to join:
    <b>{ $name }</b>{ $username }
    Regions: { $regions }
    Kinds of help: { $categories }
    Phone: { $phone }
    Volunteers see people's addresses: approve only someone you trust.
btn-approve = ✅ Approve
btn-reject = ❌ Reject
vet-already-decided = Already decided: { $status } ({ $by }).
vet-approved-volunteer = ✅ The club approved you as a volunteer in { $regions }. New requests will come here; /tasks shows the open ones now.
vet-rejected-volunteer = We are sorry: the club could not approve your registration. If you think this is a mistake, please contact your regional club.
vet-approved-lead = ✅ { $name } is approved.
vet-rejected-lead = ❌ { $name } is not approved.
volunteers-none = Your regions have no volunteers yet.
volunteers-header = 🤝 Volunteers of your regions: { $total }. Page { $page } of { $pages }.
volunteers-item = { $name } — { $status }, holds { $load }
btn-approve-n = ✅ { $name }
btn-reject-n = ❌ { $name }
btn-suspend-n = ⏸ Pause { $name }
btn-reinstate-n = ▶️ Resume { $name }
suspended-volunteer = ⏸ The club has paused your volunteering. Requests you held went back to other volunteers. Please contact your club's coordinator if you have questions.
suspended-lead = ⏸ { $name } is paused. Requests they held, back to open: { $count }.
reinstated-volunteer = ▶️ The club has resumed your volunteering. New requests will come here again.
reinstated-lead = ▶️ { $name } is active again.

## Stepping in

btn-push-again = 📣 Push again
btn-assign = 👤 Assign
pushed-again = 📣 Request #{ $id } was sent again to { $count } volunteers.
pushed-again-held = 📣 Request #{ $id } was sent again to { $count } volunteers now; { $held } more are in their quiet hours and will get it from { $time }.
assign-ask = Who should take request #{ $id }? The least busy are first; each holds so many of the { $max } requests one volunteer may take at once (your assignment may go past it).
assign-ask-paused = ⏸ — paused themselves: they get no new requests, but you may still assign one to them.
assign-nobody = Request #{ $id }: there is no approved volunteer in this region to assign it to.
btn-assign-to = { $paused ->
    [yes] ⏸ { $name } · holds { $load } of { $max } · paused
   *[no] { $name } · holds { $load } of { $max }
}
assign-not-possible = This volunteer cannot take requests of this region now.
assigned-lead = ✅ Request #{ $id } is now with { $name }. They have the details.
reopen-not-possible = This request is neither taken nor done: nothing to reopen.
reopened-volunteer = The club's coordinator reopened request #{ $id }: you don't hold it any more. Thank you!
reopened-lead = ↩️ Request #{ $id } is open again; the region's volunteers see it.
close-not-possible = This request has already ended.
closed-duplicate-requester = Request #{ $id } was closed by the club because it repeats another of your requests. The other one stays; if you still need help, tap «🆘 I need help».
closed-spam-requester = Request #{ $id } was closed by the club. If you need help, tap «🆘 I need help».
closed-lead = 🗑 Request #{ $id } is closed; the person was told.
lead-requests-none = No open or taken requests in your regions right now.
lead-requests-header = 📋 Requests of your regions that are not finished: { $total }. Page { $page } of { $pages }.
lead-requests-item = { $stale }<b>#{ $id }</b> · { $category } · { $place }
    { $status } · { $hours } h
btn-assign-n = 👤 Assign #{ $id }
btn-push-n = 📣 Push #{ $id }
btn-reopen-n = ↩️ Reopen #{ $id }
btn-duplicate-n = 🗑 #{ $id } duplicate
btn-spam-n = 🚫 #{ $id } spam

## Alerts and reminders

alert-unclaimed = ⏰ Nobody has taken request #{ $id } ({ $category }, { $place }) for { $hours } h.
alert-stuck = ⏳ Request #{ $id } ({ $category }, { $place }) was taken by { $volunteer } { $hours } h ago and is not done yet.
alert-not-yet = ❗ Request #{ $id } ({ $category }, { $place }): the person says the help has not arrived (volunteer: { $volunteer }). It is open again.
reminder-volunteer = 👋 Are you still on request #{ $id }? When it is done, tap «✅ Done». If you can't go, tap «↩️ Give back» — someone else will take it.

## The club's group chat

club-leads-only = Only the club's coordinators can do this.
club-choose-region = Which region's requests should come to this group?
club-bound = ✅ New requests of { $region } will be posted in this group. Addresses and phones are never posted here: whoever takes a request gets them privately.
club-not-bound = This group gets no requests.
club-unbound = This group will no longer get new requests.
push-done = ✅ Request #{ $id } is done. Thank you!
claim-suspended = The club has paused your volunteering, so you can't take requests now. Please contact your club's coordinator.
alert-unreachable = 📵 { $volunteer } can no longer be reached in Telegram (they blocked the bot or left). Request #{ $id } ({ $category }, { $place }) they held is open again and was sent to other volunteers.
