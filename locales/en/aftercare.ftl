# After the visit, and the lead's hand (en). Same keys in every language.

## Buttons

btn-worried = 😟 I am worried about this person
btn-all-well = ✅ All is well
btn-aftercare = 🧾 Receipt, note…
btn-receipt-right = ✅ Yes, that's right
btn-receipt-wrong = ❌ No, that's not right
btn-repaid = 💸 Repaid { $amount }
btn-repaid-n = 💸 Repaid · #{ $id } · { $amount }
btn-category-n = 🏷 Kind of help #{ $id }
btn-intake-pause = ⏸ Pause: { $region }
btn-intake-resume = ▶️ Resume: { $region }

help-requester-voice = • Hard to type? Just send a voice message: we will ask only for your region and phone.
help-lead-aftercare = • /receipts — what volunteers spent and the club owes them · /intake — pause or resume new requests in a region.

## After Done: the volunteer's optional questions

aftercare-ask-amount = 🧾 Did you spend your own money on request #{ $id }? Type the amount in rubles, for example 350 or 350,50 — or tap «⏭ Skip».
aftercare-ask-photo = 📷 Send a photo of the receipt — or tap «⏭ Skip».
aftercare-ask-note = 📝 A note for the next volunteer who helps this person? For example: «lift broken, ring twice». Type it — or tap «⏭ Skip».
aftercare-ask-worried = Is anything about this person worrying you?
aftercare-ask-concern = 😟 Write a few words: what worries you about the person of request #{ $id }? The club's coordinators will read it at once.
aftercare-later = When you have a moment: did you spend money on request #{ $id }, or want to leave a note for the next volunteer? Tap below.
aftercare-need-amount = Please type the amount as a number, for example 350 or 350,50 — or tap «⏭ Skip».
aftercare-amount-bounds = The amount must be more than 0 and at most { $max }.
aftercare-need-photo = Please send a photo of the receipt — or tap «⏭ Skip».
aftercare-receipt-saved = 🧾 Saved: { $amount }. We asked the person to confirm it, and the club's coordinators will repay you.
aftercare-receipt-already = 🧾 The amount for request #{ $id } is already recorded: { $amount }. Thank you — the club's coordinators will repay you.
aftercare-note-saved = 📝 Thank you — the next volunteer will see your note.
aftercare-thanks = 🙏 Thank you for your help with request #{ $id }!
aftercare-stopped = Fine. Anything you already sent about request #{ $id } is kept.
aftercare-not-yours = Request #{ $id } is no longer yours, so nothing was added to it.
aftercare-concern-sent = 😟 Thank you. The club's coordinators have your words about request #{ $id } and will look into it.
aftercare-notes-header = 📝 <b>Notes from earlier visits:</b>

## The requester confirms the amount

aftercare-receipt-ask = 🧾 The volunteer says they spent { $amount } on request #{ $id }. You don't need to pay anything — the club repays the volunteer. Is the amount right?
aftercare-receipt-thanks = 🙏 Thank you for confirming.
aftercare-receipt-disputed = Thank you for telling us. The club's coordinators will look into it.

## Club leads

aftercare-receipt-lead = 🧾 Request #{ $id } ({ $category }): { $volunteer } spent { $amount }. We asked the person to confirm the amount.
aftercare-receipt-disputed-lead = ❗ Request #{ $id }: the person says the amount { $amount } given by { $volunteer } is not right. Please check before repaying.
aftercare-concern-lead = 😟 <b>A volunteer is worried about the person of request #{ $id }</b> ({ $category }, { $region }; { $status })
    { $volunteer } writes: «{ $words }»
aftercare-already-repaid = Request #{ $id }: this receipt is already marked repaid.
aftercare-repaid-volunteer = 💸 The club has repaid you { $amount } for request #{ $id }. Thank you!
aftercare-repaid-lead = 💸 Marked repaid: { $amount } to { $volunteer } for request #{ $id }.
aftercare-receipts-none = 🧾 No reimbursements are due in your regions.
aftercare-receipts-header = <b>🧾 Reimbursements due: { $n }</b>
aftercare-receipts-item = • #{ $id } · { $amount } · { $volunteer } · { $answer } · { $region }
aftercare-receipts-more = …and { $n } more
aftercare-answer-asked = person not answered yet
aftercare-answer-confirmed = person confirmed
aftercare-answer-disputed = ❗ person says it is not right

## Pausing intake

intake-paused-requester = ⏸ The club in { $region } is not taking new requests through this bot right now. Their message:
    «{ $message }»
    You can choose another region, or tap «❌ Cancel».
intake-header = <b>New requests in your regions</b>
intake-item-open = • { $region }: ✅ taking requests
intake-item-paused = • { $region }: ⏸ paused — people read «{ $message }»
intake-pause-ask = ⏸ New requests in { $region } will be paused. What should people read instead? For example: «Please call our hotline +7 …». Type it.
intake-paused = ⏸ New requests in { $region } are paused. People who choose it read your message. To resume: /intake.
intake-already-paused = New requests there are already paused.
intake-not-paused = New requests there are not paused.
intake-paused-other-lead = ⏸ { $name } paused new requests in { $region }.
intake-resumed = ▶️ { $region } takes new requests again.
intake-resumed-other-lead = ▶️ { $name } resumed new requests in { $region }.

## Quick voice request

voice-ask-region = 🎤 I heard you. Which region are you in? Type part of its name or choose below.
voice-heard-again = Got it, we will take your latest message.
voice-ask-phone = 📞 A phone number for the volunteer to call you? Only the volunteer who takes the request will see it.
voice-posted = ✅ Request #{ $id } is posted. Volunteers of { $region } will hear your voice message. We will write here as soon as one of them takes it.
voice-posted-nobody = ✅ Request #{ $id } is saved. There are no volunteers in { $region } yet who could hear it. A coordinator of the club will listen to your voice message and pass it on; we will write here as soon as someone takes it.
voice-request-lead = 🎤 New voice-only request #{ $id } in { $region }. Choose its kind of help, so the right volunteers see it:
voice-category-ask = 🏷 Kind of help for request #{ $id }:
voice-category-set = 🏷 Request #{ $id }: kind of help set to { $category }.
voice-category-too-late = This request is finished; its kind of help can no longer change.

## Digest and export

digest-receipts-due = 🧾 Reimbursements due: { $n }, { $sum } in all — see /receipts
digest-receipts-none = 🧾 No reimbursements are due.
digest-receipts-repaid = 💸 Repaid in these 24 hours: { $n }, { $sum }
digest-concerns = 😟 Volunteers worried about a person in these 24 hours: { $n }
digest-concerns-none = 😟 No volunteer raised a worry in these 24 hours.
export-col-spent = Spent by volunteer (RUB)
export-col-amount-answer = Person's answer on the amount
export-col-reimbursement = Reimbursement
export-col-repaid-at = Repaid at
export-amount-asked = not answered
export-amount-confirmed = confirmed
export-amount-disputed = says not right
export-reimbursement-due = due
export-reimbursement-repaid = repaid
