# Personal data: /delete_me and retention (en). Same keys in every language.

## /delete_me: the question, then what is erased and what stays

privacy-ask = 🗑 <b>Erase your personal data?</b>
    We will erase your name, Telegram username and phone, and from your requests: addresses, phone numbers, names, voice messages and descriptions.
    What stays has nothing that points to you: how many requests there were, the kind of help, the region and the dates. The club needs these numbers for its statistics.
privacy-ask-unfinished = { $count ->
    [1] ❌ Your unfinished request will be cancelled. If a volunteer took it, we will tell them.
   *[other] ❌ Your { $count } unfinished requests will be cancelled. Volunteers who took them will be told.
}
privacy-ask-held = { $count ->
    [1] 🤝 The request you took goes back to other volunteers.
   *[other] 🤝 The { $count } requests you took go back to other volunteers.
}
privacy-ask-volunteer = 🙋 Your volunteer profile will be deleted: no more requests will come to you.
privacy-ask-lead = 🧭 You will no longer be a club lead.
privacy-ask-sure = This cannot be undone. Erase now?
privacy-btn-erase = 🗑 Yes, erase
privacy-btn-keep = ⬅️ No, keep

## The answer

privacy-done = ✅ Done: your personal data is erased.
    You are welcome back any time: just write /start.
privacy-already = Your data is already erased.
privacy-kept = Good, nothing is erased. If you change your mind, send /delete_me.
