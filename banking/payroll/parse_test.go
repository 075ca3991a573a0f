package payroll

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/money"
)

func TestParseAmountCell(t *testing.T) {
	for in, want := range map[string]money.Cents{
		"1234.56": 123456, "1234.5": 123450, "1234": 123400, "1.234,56": 123456, "R$ 1.234,56": 123456, "0,01": 1,
		"1234.5599999999999": 123456, "-1": -100, "2500.1000000001": 250010,
	} {
		if got, why := parseAmountCell(in); why != "" || got != want {
			t.Errorf("parseAmountCell(%q) = %d %q, want %d", in, got, why, want)
		}
	}
	for _, in := range []string{"", "abc", "1.234", "12,345", "1e3", "1,2,3", "0.001"} {
		if got, why := parseAmountCell(in); why == "" {
			t.Errorf("parseAmountCell(%q) = %d, want a refusal", in, got)
		}
	}
}

func TestReadFileCSVWithSemicolonsAndTheHeaderAnywhere(t *testing.T) {
	csv := "\xef\xbb\xbfFolha de novembro;;;\nsalário;CONTA;cpf;nome\n1.500,00;12345;529.982.247-25;Ana\n\n;;;\n2000;678;11144477735;Bruno\n"
	rows, err := readFile(File{Filename: "folha.csv", Content: strings.NewReader(csv)})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{Number: 3, Name: "Ana", Document: "529.982.247-25", AccountCode: "12345", Amount: 150000},
		{Number: 6, Name: "Bruno", Document: "11144477735", AccountCode: "678", Amount: 200000}}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows %+v, want %+v", rows, want)
	}
}

func TestReadFileXLSXNumbersRows(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	for i, r := range [][]any{{"Nome", "CPF", "Conta", "Salário"}, {"Ana", "52998224725", "12345", 1500.5}, {}, {"Bruno", "11144477735", "678", "2.000,00"}} {
		if err := f.SetSheetRow(sheet, "A"+string(rune('1'+i)), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := readFile(File{Filename: "upload.bin", Content: &buf}) // the content, not the name, says xlsx
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Number != 2 || rows[0].Amount != 150050 || rows[1].Number != 4 || rows[1].Amount != 200000 {
		t.Fatalf("rows %+v", rows)
	}
}

func TestReadFileRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		filename, content string
		code              apperr.Code
	}{
		"NotASpreadsheet": {"folha.pdf", "%PDF-1.7", apperr.Invalid},
		"NoHeader":        {"folha.csv", "a,b,c\n1,2,3\n", apperr.Invalid},
		"PartialHeader":   {"folha.csv", "Nome,CPF,Conta\nAna,1,2\n", apperr.Invalid},
		"NoSalaries":      {"folha.csv", "Nome,CPF,Conta,Salário\n", apperr.Required},
		"TooMany":         {"folha.csv", "Nome,CPF,Conta,Salário\n" + strings.Repeat("Ana,1,2,3\n", MaxLines+1), apperr.Invalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readFile(File{Filename: c.filename, Content: strings.NewReader(c.content)})
			if e, ok := apperr.As(err); !ok || e.Code != c.code || !slices.Equal(e.Field, []string{"file"}) {
				t.Fatalf("err = %v, want %s on file", err, c.code)
			}
		})
	}
}
