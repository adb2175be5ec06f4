# Personal data: /delete_me and retention (en). Same keys in every language.
