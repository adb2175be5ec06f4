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
