# export texts (ru). Same keys in every language.
