package boletopdf_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/banking/boletopdf"
	"github.com/ponte-bff/ponte/brazil"
)

// The tests read the PDF back with poppler, as a person or a bank's scanner would: pdftotext for
// the text, pdftoppm for the picture the barcode is decoded from. Set PONTE_BOLETOPDF_OUT to a
// directory to keep the PDFs.

// barcode197 builds a valid boleto barcode of bank 197 (currency 9) for amount and due, with the
// free field given, and checks it with the brazil package: the general check digit is FEBRABAN's
// module 11 (2..9 from the right; 0, 10 and 11 give 1).
func barcode197(t *testing.T, amount int64, due brazil.Date, free string) brazil.Boleto {
	t.Helper()
	factor, ok := brazil.DueDateFactor(due)
	if !ok || len(free) != 25 {
		t.Fatalf("no factor for %s, or free field %q", due, free)
	}
	rest := fmt.Sprintf("1979%04d%010d%s", factor, amount, free) // the 43 digits but the check digit
	sum, w := 0, 2
	for i := len(rest) - 1; i >= 0; i-- {
		sum += int(rest[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	dv := 11 - sum%11
	if dv == 0 || dv >= 10 {
		dv = 1
	}
	b, err := brazil.ParseBoleto(rest[:4] + fmt.Sprint(dv) + rest[4:])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func slipFor(t *testing.T) (boletopdf.Slip, brazil.Boleto) {
	t.Helper()
	due := brazil.NewDate(2026, time.December, 15)
	b := barcode197(t, 123456, due, "0000000012345678900000197")
	return boletopdf.Slip{
		BankCode: "197", TypedLine: b.Line, Barcode: b.Barcode, OurNumber: "12345678900", Kind: "COBRANCA",
		Amount: 123456, DueDate: due.Time(), LimitDate: brazil.NewDate(2027, time.January, 14).Time(),
		IssuedAt:    time.Date(2026, time.November, 30, 2, 30, 0, 0, time.UTC), // 29/11 in Brasília
		Beneficiary: boletopdf.Party{Name: "Fornecedora Exemplo Ltda", Document: "11222333000181", Address: "Rua das Flores, 100 – São Paulo/SP"},
		BranchCode:  "0001", AccountCode: "1234567-8",
		Payer:        boletopdf.Party{Name: "Cliente Pagador da Silva", Document: "52998224725", Address: "Av. Brasil, 2000 – Rio de Janeiro/RJ"},
		Instructions: []string{"Após o vencimento cobrar multa de 2,00%", "Juros de 1,00% ao mês, cobrados por dia de atraso"},
		Description:  "Pedido 4711",
	}, b
}

// render writes s to a file and returns its path.
func render(t *testing.T, s boletopdf.Slip, name string) string {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian/Ubuntu: apt-get install -y poppler-utils)", tool)
		}
	}
	dir := os.Getenv("PONTE_BOLETOPDF_OUT")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := boletopdf.Render(&buf, s); err != nil {
		t.Fatalf("Render: %v", err)
	}
	file := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestSlipTextReadsBack(t *testing.T) {
	t.Parallel()
	s, b := slipFor(t)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", render(t, s, "slip"), "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	line := b.FormattedLine() // "19790.00009 ..." grouped as printed
	for _, want := range []string{
		line, "R$ 1.234,56", "15/12/2026", "14/01/2027", "29/11/2026",
		"Fornecedora Exemplo Ltda", "11.222.333/0001-81", "Cliente Pagador da Silva", "529.982.247-25",
		"Recibo do Pagador", "Ficha de Compensação", "Nosso número", "12345678900", "0001 / 1234567-8", "DM",
		"Após o vencimento cobrar multa de 2,00%", "Não receber após 14/01/2027.", "Pedido 4711",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, line) != 2 { // on the receipt and on the ficha
		t.Errorf("the typed line appears %d times", strings.Count(text, line))
	}
}

// TestDrawnBarcodeDecodes rasterizes the PDF at 300 dpi and decodes the Interleaved 2 of 5 bars
// it finds with a decoder of its own: they must read back as the slip's 44 digits.
func TestDrawnBarcodeDecodes(t *testing.T) {
	t.Parallel()
	s, b := slipFor(t)
	file := render(t, s, "barcode")
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-gray", "-r", "300", "-singlefile", file, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	bounds := img.Bounds()
	for y := bounds.Max.Y - 1; y >= bounds.Min.Y; y -= 2 {
		if digits, ok := decodeI25(runsOf(img, y)); ok && len(digits) == 44 {
			found = append(found, digits)
		}
	}
	if len(found) == 0 {
		t.Fatal("no Interleaved 2 of 5 barcode of 44 digits on the page")
	}
	for _, d := range found {
		if d != b.Barcode {
			t.Fatalf("the drawn barcode reads %s, want %s", d, b.Barcode)
		}
	}
	if len(found) < 40 { // 37 pt tall: some 150 rows at 300 dpi, every other one scanned
		t.Errorf("the barcode reads on only %d scanned rows", len(found))
	}
}

// runsOf is row y of img as alternating run lengths, starting with a dark run.
func runsOf(img image.Image, y int) []int {
	b := img.Bounds()
	var runs []int
	dark, n := true, 0
	started := false
	for x := b.Min.X; x < b.Max.X; x++ {
		r, _, _, _ := img.At(x, y).RGBA()
		isDark := r < 0x8000
		if !started {
			if !isDark {
				continue
			}
			started = true
		}
		if isDark == dark {
			n++
			continue
		}
		runs = append(runs, n)
		dark, n = isDark, 1
	}
	if started && dark {
		runs = append(runs, n)
	}
	return runs
}

// i25 maps the five widths of a digit (wide = true) to the digit: two of five are wide.
var i25 = map[[5]bool]byte{
	{false, false, true, true, false}: '0', {true, false, false, false, true}: '1', {false, true, false, false, true}: '2',
	{true, true, false, false, false}: '3', {false, false, true, false, true}: '4', {true, false, true, false, false}: '5',
	{false, true, true, false, false}: '6', {false, false, false, true, true}: '7', {true, false, false, true, false}: '8',
	{false, true, false, true, false}: '9',
}

// decodeI25 reads Interleaved 2 of 5 from run lengths (dark first): the start pattern (four
// narrow elements), digit pairs of ten elements (the bars spell the first digit, the spaces the
// second), and the stop (wide bar, narrow space, narrow bar). Elements wider than twice the
// narrow are wide.
func decodeI25(runs []int) (string, bool) {
	if len(runs) < 4+10+3 {
		return "", false
	}
	narrow := runs[0]
	for _, r := range runs[:4] {
		if r > 2*narrow || 2*r < narrow {
			return "", false
		}
	}
	wide := func(r int) bool { return r > 2*narrow }
	var out []byte
	i := 4
	for ; i+10 <= len(runs); i += 10 {
		var a, b [5]bool
		for k := 0; k < 5; k++ {
			a[k], b[k] = wide(runs[i+2*k]), wide(runs[i+2*k+1])
		}
		da, ok1 := i25[a]
		db, ok2 := i25[b]
		if !ok1 || !ok2 {
			break
		}
		out = append(out, da, db)
	}
	if i+3 > len(runs) || !wide(runs[i]) || wide(runs[i+1]) || wide(runs[i+2]) {
		return "", false
	}
	return string(out), len(out) > 0
}

func TestRenderRefusesWhatNoBankCouldRead(t *testing.T) {
	t.Parallel()
	good, b := slipFor(t)
	other := barcode197(t, 99, brazil.NewDate(2026, time.December, 16), "0000000012345678900000197")
	for name, change := range map[string]func(*boletopdf.Slip){
		"bad check digit":        func(s *boletopdf.Slip) { s.Barcode = b.Barcode[:4] + "0" + b.Barcode[5:] },
		"typed line of another":  func(s *boletopdf.Slip) { s.TypedLine = other.Line },
		"amount not in the code": func(s *boletopdf.Slip) { s.Amount = 100 },
		"another bank":           func(s *boletopdf.Slip) { s.BankCode = "001" },
		"formatted barcode":      func(s *boletopdf.Slip) { s.Barcode = b.FormattedLine() },
		"no due date":            func(s *boletopdf.Slip) { s.DueDate = time.Time{} },
		"no payer":               func(s *boletopdf.Slip) { s.Payer.Name = " " },
	} {
		s := good
		change(&s)
		var buf bytes.Buffer
		if err := boletopdf.Render(&buf, s); err == nil || buf.Len() != 0 {
			t.Errorf("%s: rendered (%v, %d bytes)", name, err, buf.Len())
		}
	}
	var a, c bytes.Buffer
	if err := boletopdf.Render(&a, good); err != nil {
		t.Fatal(err)
	}
	if err := boletopdf.Render(&c, good); err != nil || !bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Errorf("the same slip gave different bytes (%v)", err)
	}
}
