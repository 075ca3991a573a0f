package brazil

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// banksCSV is the Banco Central's list of STR participants
// (ParticipantesSTR.csv, columns ISPB, Nome_Reduzido, Número_Código,
// Participa_da_Compe, Acesso_Principal, Nome_Extenso, Início_da_Operação),
// kept verbatim so that a refresh is a plain file replacement: download
// https://www.bcb.gov.br/content/estabilidadefinanceira/str1/ParticipantesSTR.csv
// (Latin-1 there; store it as UTF-8) and run the tests. Current copy: the
// list as of October 2025 (456 participants).
//
//go:embed banks.csv
var banksCSV string

// Bank is a participant of the STR, the Banco Central's real-time gross
// settlement system, i.e. an institution a TED can be sent to.
type Bank struct {
	ISPB     string // 8 digits, the participant's CNPJ root: the key in STR messages
	Code     string // COMPE code, 3 digits; empty for participants without one (Selic, B3, CIP...)
	Name     string // short name (Nome_Reduzido), e.g. "STONE IP S.A."
	FullName string // legal name (Nome_Extenso)
	InCOMPE  bool   // takes part in COMPE (cheque clearing); many fintechs have a code but do not
}

type bankIndex struct {
	all    []Bank // sorted by ISPB
	byCode map[string]int
	byISPB map[string]int
	name   []string // folded Name, same index as all
	full   []string // folded FullName
}

var banks = sync.OnceValue(func() *bankIndex {
	idx, err := parseBanks(banksCSV)
	if err != nil {
		// The file is embedded: a bad one is a build defect that the tests catch.
		panic(err)
	}
	return idx
})

func parseBanks(data string) (*bankIndex, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = 7
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("banks.csv: %w", err)
	}
	if len(rows) < 2 || rows[0][0] != "ISPB" {
		return nil, fmt.Errorf("banks.csv: missing header or rows")
	}
	idx := &bankIndex{byCode: map[string]int{}, byISPB: map[string]int{}}
	for line, row := range rows[1:] {
		b := Bank{
			ISPB:     row[0],
			Name:     strings.TrimSpace(row[1]),
			FullName: strings.TrimSpace(row[5]),
			InCOMPE:  row[3] == "Sim",
		}
		// "n/a" and "0" (the B3 systems) mean no COMPE code.
		if c := row[2]; c != "n/a" && c != "0" {
			b.Code = c
		}
		if !allDigits(b.ISPB, 8) || (b.Code != "" && !allDigits(b.Code, 3)) {
			return nil, fmt.Errorf("banks.csv line %d: bad ISPB %q or code %q", line+2, row[0], row[2])
		}
		if _, dup := idx.byISPB[b.ISPB]; dup {
			return nil, fmt.Errorf("banks.csv line %d: duplicate ISPB %s", line+2, b.ISPB)
		}
		i := len(idx.all)
		idx.byISPB[b.ISPB] = i
		if b.Code != "" {
			if _, dup := idx.byCode[b.Code]; dup {
				return nil, fmt.Errorf("banks.csv line %d: duplicate code %s", line+2, b.Code)
			}
			idx.byCode[b.Code] = i
		}
		idx.all = append(idx.all, b)
		idx.name = append(idx.name, foldName(b.Name))
		idx.full = append(idx.full, foldName(b.FullName))
	}
	if !sort.SliceIsSorted(idx.all, func(i, j int) bool { return idx.all[i].ISPB < idx.all[j].ISPB }) {
		return nil, fmt.Errorf("banks.csv: rows not sorted by ISPB")
	}
	return idx, nil
}

// Banks returns every STR participant, sorted by ISPB. The slice is a
// copy.
func Banks() []Bank {
	return append([]Bank(nil), banks().all...)
}

// BankByCode finds a participant by COMPE code. Leading zeros may be
// omitted ("1" is Banco do Brasil, 001).
func BankByCode(code string) (Bank, bool) {
	c, ok := padDigits(code, 3)
	if !ok {
		return Bank{}, false
	}
	idx := banks()
	i, ok := idx.byCode[c]
	if !ok {
		return Bank{}, false
	}
	return idx.all[i], true
}

// BankByISPB finds a participant by ISPB. Leading zeros may be omitted, as
// they are when an ISPB went through an integer ("360305" is Caixa,
// 00360305).
func BankByISPB(ispb string) (Bank, bool) {
	c, ok := padDigits(ispb, 8)
	if !ok {
		return Bank{}, false
	}
	idx := banks()
	i, ok := idx.byISPB[c]
	if !ok {
		return Bank{}, false
	}
	return idx.all[i], true
}

// SearchBanks finds participants for a bank picker. A query of digits
// matches a COMPE code (up to 3 digits) or an ISPB (8 digits) exactly;
// any query also matches as a substring of the short or full name,
// ignoring case, accents and repeated spaces ("itau" finds "ITAÚ UNIBANCO
// S.A."). Results are ranked: exact code/ISPB, then short names starting
// with the query, containing a word starting with it, containing it, then
// the same three on full names; ties go to the shorter name. At most
// limit results are returned; limit <= 0 means no limit. An empty query
// returns nothing.
func SearchBanks(query string, limit int) []Bank {
	q := foldName(query)
	if q == "" {
		return nil
	}
	idx := banks()
	type hit struct{ i, rank int }
	var hits []hit
	exact := -1
	if c, ok := padDigits(q, 3); ok {
		if i, found := idx.byCode[c]; found {
			exact = i
		}
	}
	if len(q) == 8 {
		if i, found := idx.byISPB[q]; found {
			exact = i
		}
	}
	for i := range idx.all {
		rank := -1
		switch {
		case i == exact:
			rank = 0
		default:
			if r := matchRank(idx.name[i], q); r > 0 {
				rank = r
			} else if r := matchRank(idx.full[i], q); r > 0 {
				rank = r + 3
			}
		}
		if rank >= 0 {
			hits = append(hits, hit{i, rank})
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		ha, hb := hits[a], hits[b]
		if ha.rank != hb.rank {
			return ha.rank < hb.rank
		}
		na, nb := idx.name[ha.i], idx.name[hb.i]
		if len(na) != len(nb) {
			return len(na) < len(nb)
		}
		if na != nb {
			return na < nb
		}
		return ha.i < hb.i
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Bank, len(hits))
	for k, h := range hits {
		out[k] = idx.all[h.i]
	}
	return out
}

// matchRank returns 1 if name starts with q, 2 if a word of name does,
// 3 if name merely contains q, 0 if it does not.
func matchRank(name, q string) int {
	switch {
	case strings.HasPrefix(name, q):
		return 1
	case strings.Contains(" "+name, " "+q):
		return 2
	case strings.Contains(name, q):
		return 3
	}
	return 0
}

// foldName lower-cases s, removes the accents used in Portuguese and
// collapses runs of white space, for case- and accent-insensitive
// matching.
func foldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		r = unicode.ToLower(r)
		if base, ok := accentBase[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}

// accentBase maps the accented lower-case letters of Portuguese (and the
// few others found in institution names) to their base letter.
var accentBase = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
	'ç': 'c', 'ñ': 'n',
}

// padDigits left-pads a string of 1..width digits with zeros.
func padDigits(s string, width int) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > width || !allDigits(s, len(s)) {
		return "", false
	}
	return strings.Repeat("0", width-len(s)) + s, true
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
