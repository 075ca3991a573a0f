package brazil_test

import (
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

func TestMaskNameHidesAllButTheFirstWordAndAnInitial(t *testing.T) {
	for in, want := range map[string]string{
		"Maria Silva Santos":        "Maria S****",
		"  Maria   Holder ":         "Maria H****",
		"Padaria":                   "P****",
		"Érica Ávila":               "Érica Á****",
		"":                          "",
		"Empresa Exemplo Ltda EPP":  "Empresa E****",
		"João da Silva Albuquerque": "João d****",
	} {
		if got := brazil.MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskDocumentShowsOnlyTheMiddle(t *testing.T) {
	for in, want := range map[string]string{
		"39053344705":    "***.533.447-**",
		"11222333000181": "**.222.333/0001-**",
		"12ABC34501DE35": "**.ABC.345/01DE-**",
		"":               "",
		"123":            "****",
	} {
		if got := brazil.MaskDocument(in); got != want {
			t.Errorf("MaskDocument(%q) = %q, want %q", in, got, want)
		}
	}
}
