# digest texts (en). Same keys in every language.
