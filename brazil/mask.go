package brazil

import (
	"strings"
	"unicode/utf8"
)

// hidden is what stands for the hidden part of a masked name: always the same, so that the
// mask tells nothing about the length of what it hides.
const hidden = "****"

// MaskName returns a person's or company's name as shown to someone who must not learn who it
// is, as Stone shows a beneficiary before a transfer runs: the first word and the initial of the
// second, the rest hidden ("Maria Silva Santos" → "Maria S****"); a single word keeps only its
// initial ("Padaria" → "P****"); an empty name stays empty.
func MaskName(name string) string {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return ""
	case 1:
		return initial(words[0]) + hidden
	}
	return words[0] + " " + initial(words[1]) + hidden
}

func initial(word string) string {
	r, _ := utf8.DecodeRuneInString(word)
	return string(r)
}

// MaskDocument returns a CPF or CNPJ (canonical number, as Document.Number) masked as Brazilian
// public bodies publish them under the LGPD and as banks show a beneficiary: a CPF shows its
// six middle digits ("39053344705" → "***.533.447-**"); a CNPJ, by analogy, hides its first two
// characters and its two check digits ("12ABC34501DE35" → "**.ABC.345/01DE-**"). Anything
// else is hidden whole.
func MaskDocument(number string) string {
	switch len(number) {
	case cpfLen:
		return "***." + number[3:6] + "." + number[6:9] + "-**"
	case cnpjLen:
		return "**." + number[2:5] + "." + number[5:8] + "/" + number[8:12] + "-**"
	case 0:
		return ""
	}
	return hidden
}
