package payroll

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/big"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/money"
)

// Stone's spreadsheet columns (DOMAIN.md §6.10), as a userError's field names them.
const (
	ColumnName    = "Nome"
	ColumnCPF     = "CPF"
	ColumnAccount = "Conta"
	ColumnAmount  = "Salário"
)

// MaxLines is the most salaries one payroll pays.
const MaxLines = 5000

// maxUnzipped bounds what an .xlsx may unzip to: a 5,000-line sheet is a few megabytes.
const maxUnzipped = 64 << 20

// File is an uploaded spreadsheet.
type File struct {
	Filename string
	Content  io.Reader
}

// row is one line of a payroll as given, before validation: where it is (Number) and what it says.
type row struct {
	Number                      int // the spreadsheet's row (the header is a row too), or the index in lines
	Name, Document, AccountCode string
	Amount                      money.Cents
	AmountErr                   string // why the amount cell is not an amount; "" when it is
}

// fileField is the userError field of the whole file.
var fileField = []string{"file"}

// readFile reads the rows of a payroll spreadsheet: an .xlsx workbook (its first sheet) or a CSV
// (comma or semicolon separated, UTF-8), with a header row naming Stone's columns in any order.
// Errors (field ["file"]): INVALID for a file that is neither, or that lacks a column; REQUIRED
// for a file without salaries; INVALID beyond MaxLines.
func readFile(f File) ([]row, error) {
	raw, err := io.ReadAll(f.Content)
	if err != nil {
		return nil, err
	}
	var cells [][]string
	var lines []int
	ext := strings.ToLower(path.Ext(f.Filename))
	switch {
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")):
		cells, lines, err = xlsxCells(raw)
	case ext == ".csv" || ext == ".txt":
		cells, lines, err = csvCells(raw)
	default:
		return nil, apperr.Field(apperr.Invalid, fileField, "the file must be an .xlsx workbook or a .csv with the columns Nome, CPF, Conta, Salário")
	}
	if err != nil {
		return nil, err
	}
	return rowsOf(cells, lines)
}

func xlsxCells(raw []byte) ([][]string, []int, error) {
	// Bounded unzipping: an upload of a few megabytes must not inflate into gigabytes.
	wb, err := excelize.OpenReader(bytes.NewReader(raw), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped / 2})
	if err != nil {
		return nil, nil, apperr.Field(apperr.Invalid, fileField, "the file is not a readable .xlsx workbook")
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, apperr.Field(apperr.Required, fileField, "the workbook has no sheet")
	}
	// Raw values: a number cell is its stored value (1234.56), whatever its display format.
	cells, err := wb.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, apperr.Field(apperr.Invalid, fileField, "the workbook's first sheet cannot be read")
	}
	lines := make([]int, len(cells))
	for i := range cells {
		lines[i] = i + 1 // GetRows keeps empty rows, so the index is the row number
	}
	return cells, lines, nil
}

func csvCells(raw []byte) ([][]string, []int, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(raw))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	var cells [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, apperr.Field(apperr.Invalid, fileField, "the CSV cannot be read: %v", err)
		}
		line, _ := r.FieldPos(0)
		cells, lines = append(cells, rec), append(lines, line)
	}
	return cells, lines, nil
}

// rowsOf finds the header and reads every non-empty row after it.
func rowsOf(cells [][]string, lines []int) ([]row, error) {
	header, cols := -1, map[string]int{}
	for i, rec := range cells {
		found := map[string]int{}
		for j, c := range rec {
			if name, ok := columnOf(c); ok {
				found[name] = j
			}
		}
		if len(found) == 4 {
			header, cols = i, found
			break
		}
		if len(found) > 0 {
			return nil, apperr.Field(apperr.Invalid, fileField, "the header row must name the columns Nome, CPF, Conta and Salário")
		}
	}
	if header < 0 {
		return nil, apperr.Field(apperr.Invalid, fileField, "no header row with the columns Nome, CPF, Conta and Salário")
	}
	cell := func(rec []string, col string) string {
		if j := cols[col]; j < len(rec) {
			return strings.TrimSpace(rec[j])
		}
		return ""
	}
	var out []row
	for i := header + 1; i < len(cells); i++ {
		rec := cells[i]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(out) == MaxLines {
			return nil, apperr.Field(apperr.Invalid, fileField, "a payroll pays at most %d salaries", MaxLines)
		}
		r := row{Number: lines[i], Name: cell(rec, ColumnName), Document: cell(rec, ColumnCPF), AccountCode: cell(rec, ColumnAccount)}
		r.Amount, r.AmountErr = parseAmountCell(cell(rec, ColumnAmount))
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, apperr.Field(apperr.Required, fileField, "the file has no salaries under its header")
	}
	return out, nil
}

var unaccent = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o", "õ", "o", "ú", "u", "ç", "c")

// columnOf recognises a header cell: Nome, CPF, Conta, Salário, in any case, with or without accents.
func columnOf(c string) (string, bool) {
	switch unaccent.Replace(strings.ToLower(strings.TrimSpace(c))) {
	case "nome":
		return ColumnName, true
	case "cpf":
		return ColumnCPF, true
	case "conta":
		return ColumnAccount, true
	case "salario":
		return ColumnAmount, true
	}
	return "", false
}

// parseAmountCell reads a salary: a number cell's stored value (1234.56, or a binary fraction
// such as 1234.5599999999999 within a millionth of a centavo), or text in Brazilian form
// ("R$ 1.234,56", "1234,56"). Anything else, or more than two decimals, is refused: money is
// never guessed.
func parseAmountCell(s string) (money.Cents, string) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "R$"))
	if s == "" {
		return 0, "Salário is required"
	}
	if strings.Contains(s, ",") { // Brazilian: dots group thousands, the comma is the decimal mark
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	}
	if strings.ContainsAny(s, "eE") {
		return 0, "Salário must be an amount like 1234,56"
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, "Salário must be an amount like 1234,56"
	}
	cents := new(big.Rat).Mul(r, big.NewRat(100, 1))
	nearest := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(cents.Num(), big.NewInt(2)), cents.Denom()), new(big.Int).Mul(cents.Denom(), big.NewInt(2)))
	if cents.Sign() < 0 {
		nearest = new(big.Int).Neg(new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(new(big.Int).Neg(cents.Num()), big.NewInt(2)), cents.Denom()), new(big.Int).Mul(cents.Denom(), big.NewInt(2))))
	}
	off := new(big.Rat).Sub(cents, new(big.Rat).SetInt(nearest))
	if off.Abs(off).Cmp(big.NewRat(1, 1_000_000)) > 0 {
		return 0, "Salário must have at most two decimals"
	}
	if !nearest.IsInt64() {
		return 0, "Salário is out of range"
	}
	return money.Cents(nearest.Int64()), ""
}
