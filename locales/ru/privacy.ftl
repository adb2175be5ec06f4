# Personal data: /delete_me and retention (ru). Same keys in every language.
