# At the door and in between (en): code words, 🚶 On my way, family followers, the relay.
# Same keys in every language.

## The code word, when a request is taken

door-code-requester = 🔑 Code word for request #{ $id }: <b>{ $word }</b>
    The volunteer will say this word and the number { $id } at the door. Don't open to anyone who can't.
    The volunteer won't need to come in.
door-code-author = 🔑 Code word for request #{ $id }: <b>{ $word }</b>
    Please tell it to { $name }: the volunteer will say this word and the number { $id } at the door. Don't let in anyone who can't; the volunteer won't need to come in.
door-code-volunteer = 🔑 Code word for request #{ $id }: <b>{ $word }</b>
    At the door, first say this word and the number { $id }. Don't ask to come in: hand things over at the door.
door-code-line = 🔑 Code word: <b>{ $word }</b>
btn-write-volunteer = 💬 Write to the volunteer
btn-write-requester = 💬 Write to the person
btn-write-about = 💬 Write about #{ $id }
btn-on-my-way = 🚶 On my way

## 🚶 On my way

door-eta-ask = 🚶 When will you be there for request #{ $id }?
door-eta-30m = In 30 minutes
door-eta-1h = In an hour
door-eta-2h = In 2 hours
door-eta-later = Later today
door-when-at = around { $time }
door-when-later = later today
door-on-way-requester = 🚶 Volunteer { $name } is on the way to you (request #{ $id }) and will be there { $when }.
    Code word: <b>{ $word }</b>. Don't open to anyone who can't say it.
door-on-way-requester-later = 🚶 Volunteer { $name } will come to you later today (request #{ $id }).
    Code word: <b>{ $word }</b>. Don't open to anyone who can't say it.
door-on-way-author = 🚶 Volunteer { $name } is on the way to { $person } (request #{ $id }) and will be there { $when }.
    Code word: <b>{ $word }</b>. Please remind them: don't open to anyone who can't say it.
door-on-way-author-later = 🚶 Volunteer { $name } will come to { $person } later today (request #{ $id }).
    Code word: <b>{ $word }</b>. Please remind them: don't open to anyone who can't say it.
door-on-way-ok = 👍 Thank you! We told the person who asked that you will be there { $when } (request #{ $id }).

## Family followers

door-share-link = 👨‍👩‍👧 Family can follow request #{ $id }: send them this link. They will be told of every change — never the address or phone.
    { $link }
    To stop sharing, open /my.
btn-share = 🔗 Share #{ $id } with family
btn-unshare = 🚫 Stop sharing #{ $id }
door-unshared = 🚫 Request #{ $id } is no longer shared: the link stopped working, and nobody who followed it is told any more.
door-unshared-follower = The person who made request #{ $id } stopped sharing it: we won't write about it any more.
door-follow-ask = 👨‍👩‍👧 Request #{ $id }: { $category }, for { $name }, { $settlement }.
    Follow it? You will be told of every change to request #{ $id }: when a volunteer takes it, is on the way, when it is done or cancelled.
btn-follow-yes = ✅ Yes, follow
btn-follow-no = ❌ No
btn-unfollow = 🔕 Stop following #{ $id }
door-follow-ok = ✅ You follow request #{ $id } now. We will write here on every change.
door-follow-declined = OK, you don't follow it.
door-unfollowed = 🔕 You no longer follow request #{ $id }.
door-follow-dead = This link no longer works: the person who made the request stopped sharing it, or the request has ended.
door-follow-own = This is your own request: you are told of every change already.
door-follow-holder = You hold this request as its volunteer: you know everything about it already.
door-follow-already = You already follow request #{ $id }.
door-follow-full = Request #{ $id } already has { $max } followers. Please ask the person who made it.
door-follow-new-author = 👨‍👩‍👧 { $name } now follows request #{ $id }. If you don't know them, stop sharing in /my.
door-follow-claimed = 🤝 Request #{ $id } for { $name }: volunteer { $volunteer } has taken it.
door-follow-on-way = 🚶 Request #{ $id } for { $name }: the volunteer is on the way and will be there { $when }.
door-follow-on-way-later = 🚶 Request #{ $id } for { $name }: the volunteer will come later today.
door-follow-done = ✅ Request #{ $id } for { $name }: the volunteer says the help was given.
door-follow-closed = 🏁 Request #{ $id } for { $name } is closed. Thank you for being there.
door-follow-cancelled = ✖️ Request #{ $id } for { $name } was cancelled.
door-follow-reopened = ↩️ Request #{ $id } for { $name } is open again: other volunteers see it now.
door-not-shareable = Only a request made for someone else, and not finished yet, can be shared.

## The relay

relay-prompt-to-volunteer = 💬 Request #{ $id }: write your message for the volunteer — text or voice. They won't see your phone number or username.
    Press «✅ Done writing» when you have finished.
relay-prompt-to-requester = 💬 Request #{ $id }: write your message for the person who asked — text or voice. They won't see your phone number or username.
    Press «✅ Done writing» when you have finished.
btn-done-writing = ✅ Done writing
btn-relay-reply = 💬 Reply about #{ $id }
relay-from-volunteer = 💬 <b>Request #{ $id }</b> · message from volunteer { $name }:

    { $text }
relay-from-requester = 💬 <b>Request #{ $id }</b> · message from the person who asked:

    { $text }
relay-voice-from-volunteer = 💬 Request #{ $id } · voice message from volunteer { $name }
relay-voice-from-requester = 💬 Request #{ $id } · voice message from the person who asked
relay-voice-reply = 💬 To answer about request #{ $id }, press below.
relay-offer = 💬 Pass this to the volunteer of request #{ $id }?
    «{ $text }»
    Nothing is sent until you press the button.
btn-relay-pass = 💬 Pass it on
relay-passed = ✅ Passed on to the volunteer of request #{ $id }.
relay-sent-to-volunteer = ✅ Passed on to the volunteer of request #{ $id }. Write more, or press «✅ Done writing».
relay-sent-to-requester = ✅ Passed on to the person who asked (request #{ $id }). Write more, or press «✅ Done writing».
relay-too-long = That is too long to pass on: { $got } characters, the limit is { $max }. Nothing was sent — please make it shorter.
relay-text-or-voice = Only text or a voice message can be passed on. Nothing was sent.
relay-finished = 👌 Done. To write about request #{ $id } again, press 💬 under its messages or open /my.
relay-ended = Request #{ $id } is not in progress any more, so this conversation is closed. Your message was not sent.
relay-closed = 💬 Request #{ $id } is no longer in progress, so the conversation about it is closed.
relay-not-party = You can write only about a request you made, or one you hold as its volunteer.
relay-not-taken = No volunteer holds request #{ $id } now, so there is nobody to write to.
privacy-ask-door = 👨‍👩‍👧 Relatives who follow your requests stop being told; messages you wrote through the bot are forgotten.
relay-prompt-again = 💬 You are writing about request #{ $id }: send text or voice, or press «✅ Done writing».
