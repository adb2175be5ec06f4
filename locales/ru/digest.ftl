# digest texts (ru). Same keys in every language.
