package receipts_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
)

// The PDF tests read the text back with poppler's pdftotext, as a person copying from the PDF
// would. Set PONTE_RECEIPTS_OUT=/some/dir to keep the PDFs (to look at them, e.g. with
// `pdftoppm -png -r 80`).

// pdfText renders r and returns the PDF's text, whitespace collapsed to single spaces, and
// pdfinfo's report.
func pdfText(t *testing.T, r receipts.Receipt, name string) (text, info string) {
	t.Helper()
	file := writePDF(t, r, name)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	inf, err := exec.Command("pdfinfo", file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, inf)
	}
	return strings.Join(strings.Fields(string(out)), " "), string(inf)
}

// writePDF renders r into a file and returns its path. It needs poppler's tools to read it back.
func writePDF(t *testing.T, r receipts.Receipt, name string) string {
	t.Helper()
	if os.Getenv("PONTE_SKIP_PDFTOTEXT") == "1" {
		t.Skip("PONTE_SKIP_PDFTOTEXT=1: not reading the PDF back")
	}
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: the receipt PDF tests read the PDF back with poppler. "+
				"Install it (Debian/Ubuntu: apt-get install -y poppler-utils; macOS: brew install poppler) "+
				"or set PONTE_SKIP_PDFTOTEXT=1 to skip these tests", tool)
		}
	}
	dir := os.Getenv("PONTE_RECEIPTS_OUT")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WritePDF(&buf); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	file := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

type word struct {
	text       string
	yMin, yMax float64
}

var wordTag = regexp.MustCompile(`<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)">([^<]*)</word>`)

// pdfWords renders r and returns every word with its vertical extent, in points from the top.
func pdfWords(t *testing.T, r receipts.Receipt, name string) []word {
	t.Helper()
	file := writePDF(t, r, name)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-bbox", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	var ws []word
	for _, m := range wordTag.FindAllStringSubmatch(string(out), -1) {
		yMin, err1 := strconv.ParseFloat(m[1], 64)
		yMax, err2 := strconv.ParseFloat(m[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad bbox %q", m[0])
		}
		ws = append(ws, word{m[3], yMin, yMax})
	}
	return ws
}

func wantText(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the PDF does not show %q; its text is:\n%s", w, text)
		}
	}
}

func wantOneA4Page(t *testing.T, info string) {
	t.Helper()
	if !strings.Contains(info, "Pages:           1\n") {
		t.Errorf("not one page:\n%s", info)
	}
	if !strings.Contains(info, "595 x 842 pts (A4)") {
		t.Errorf("not A4:\n%s", info)
	}
}

func TestWritePDFBoletoShowsWhatWasPaid(t *testing.T) {
	t.Parallel()
	r := boletoReceipt()
	text, info := pdfText(t, r, "boleto")
	wantOneA4Page(t, info)
	wantText(t, text,
		"Comprovante de pagamento", "Pagamento de boleto",
		"Valor", "R$ 1.234,56",
		"Tarifa", "R$ 3,50", "Total debitado", "R$ 1.238,06",
		"Pagador", "João Ferreira Comércio de Alimentos Ltda", "11.444.777/0001-61", "197 – STONE IP S.A. · ISPB 16501555",
		"Beneficiário", "Padaria Pão Quente Ltda", "11.222.333/0001-81",
		"Banco emissor", "341 – ITAÚ UNIBANCO S.A.",
		"Vencimento", "30/11/2026",
		"Linha digitável", boletoLineFormatted,
		"Código de barras", boletoBarcode,
		"Descrição", "Pão francês e frios – pedido 4471 de novembro",
		"Data/hora", "23/11/2026 14:05:09 (horário de Brasília)", "Efetivado em",
		"Solicitado em", "23/11/2026 14:04:51 (horário de Brasília)",
		"Autenticação", r.AuthenticationCode,
		r.PaymentID.String(), r.LedgerTransactionID.String(),
	)
	if strings.Contains(text, "Agendado para") {
		t.Error("a payment that ran at once shows a scheduled date")
	}
}

func TestWritePDFTEDShowsFavorecidoAndSchedule(t *testing.T) {
	t.Parallel()
	r := tedReceipt()
	text, info := pdfText(t, r, "ted")
	wantOneA4Page(t, info)
	wantText(t, text,
		"Comprovante de transferência", "TED – Transferência Eletrônica Disponível",
		"R$ 5.000,00", "R$ 4,00", "R$ 5.004,00",
		"Pagador", "João Ferreira",
		"Favorecido", "Maria Conceição Araújo", "CPF", "248.438.034-80",
		"341 – ITAÚ UNIBANCO S.A. · ISPB 60701190", "Agência / Conta", "0472 / 98765-4 (conta corrente)",
		"Agendado para", "23/11/2026",
		"23/11/2026 06:30:02 (horário de Brasília)",
		r.AuthenticationCode,
	)
	if strings.Contains(text, "Linha digitável") {
		t.Error("a transfer shows a typed line")
	}
}

func TestWritePDFInternalTransfer(t *testing.T) {
	t.Parallel()
	r := internalReceipt()
	text, info := pdfText(t, r, "internal")
	wantOneA4Page(t, info)
	wantText(t, text,
		"Comprovante de transferência", "Transferência entre contas Ponte",
		"R$ 1.234,56", "R$ 0,00",
		"Favorecido", "Padaria Pão Quente Ltda", "11.222.333/0001-81", "0001 / 7654321-0 (conta de pagamento)",
		"23/11/2026 14:05:09 (horário de Brasília)", r.AuthenticationCode,
	)
}

func TestWritePDFArrecadacaoWithUnknownDueDate(t *testing.T) {
	t.Parallel()
	r := arrecadacaoReceipt()
	text, info := pdfText(t, r, "arrecadacao")
	wantOneA4Page(t, info)
	wantText(t, text,
		"Comprovante de pagamento", "Pagamento de conta de consumo / tributo",
		"R$ 250,00", "Companhia Energética de São João",
		"Segmento", "Energia elétrica e gás",
		"Linha digitável", arrecadacaoLineFormatted, r.AuthenticationCode,
	)
	if strings.Contains(text, "Vencimento") {
		t.Error("a receipt without a due date shows Vencimento")
	}
}

func TestWritePDFBarcodeBeneficiaryMayBeUnknown(t *testing.T) {
	t.Parallel()
	r := arrecadacaoReceipt()
	r.Beneficiary = receipts.Party{}
	text, _ := pdfText(t, r, "arrecadacao-unknown")
	wantText(t, text, "Beneficiário", "Não informado")
}

func TestWritePDFLongDescriptionStaysOnOnePage(t *testing.T) {
	t.Parallel()
	r := tedReceipt()
	r.Description = strings.Repeat("Pagamento referente à nota fiscal de serviços prestados em novembro. ", 20)
	text, info := pdfText(t, r, "ted-long")
	wantOneA4Page(t, info)
	wantText(t, text, "…", r.AuthenticationCode)
}

func TestWritePDFIsDeterministic(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := boletoReceipt().WritePDF(&a); err != nil {
		t.Fatal(err)
	}
	if err := boletoReceipt().WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same receipt gave two different PDFs")
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", a.Bytes()[:16])
	}
}

// The longest receipts a customer can get still end above the footer: names and institutions
// that take two lines, a description cut at four lines, a creation time and a scheduled date.
func TestWritePDFLongestReceiptsEndAboveTheFooter(t *testing.T) {
	long := func(r receipts.Receipt) receipts.Receipt {
		r.Payer.Name = "João Ferreira Comércio Atacadista e Varejista de Alimentos, Bebidas e Produtos de Limpeza Ltda"
		r.Payer.InstitutionName = "STONE INSTITUIÇÃO DE PAGAMENTO S.A. – CONTA DIGITAL PARA EMPRESAS E MICROEMPREENDEDORES"
		r.Beneficiary.Name = "Padaria Pão Quente Confeitaria, Rotisseria, Empório e Distribuidora de Pães Artesanais Ltda"
		r.Beneficiary.Document = "11222333000181"
		r.Beneficiary.InstitutionName = "BANCO COOPERATIVO SICREDI S.A. – COOPERATIVA DE CRÉDITO DOS PRODUTORES RURAIS DO SUL"
		r.Beneficiary.InstitutionCode = "748"
		r.Beneficiary.InstitutionISPB = "01181521"
		r.Description = strings.Repeat("Pagamento referente à nota fiscal de serviços prestados. ", 10)
		r.CreatedAt = r.FinishedAt.AddDate(0, 0, -3)
		r.ScheduledTo = brazil.BrasiliaDate(r.FinishedAt)
		return r
	}
	for name, r := range map[string]receipts.Receipt{
		"ted-longest":    long(tedReceipt()),
		"boleto-longest": long(boletoReceipt()),
		"refund-longest": long(refundReceipt()),
		"scheduling-longest": func() receipts.Receipt {
			r := long(schedulingReceipt())
			r.VerifyAt = "https://ponte.example/receipts/verify"
			return r
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ws := pdfWords(t, r, name)
			footer := -1.0
			for _, w := range ws {
				if w.text == "Documento" {
					footer = w.yMin
				}
			}
			if footer < 0 {
				t.Fatal("the footer is missing")
			}
			lowest := word{}
			for _, w := range ws {
				if w.yMin < footer-1 && w.yMax >= lowest.yMax {
					lowest = w
				}
			}
			if lowest.yMax > footer-10 {
				t.Errorf("the body reaches %.1f pt (%q), into the footer at %.1f pt", lowest.yMax, lowest.text, footer)
			}
			if lowest.text != "acima." {
				t.Errorf("the last word above the footer is %q, want the end of the authentication note", lowest.text)
			}
		})
	}
}

func TestWritePDFReplacesCharactersTheFontCannotDraw(t *testing.T) {
	t.Parallel()
	r := tedReceipt()
	r.Description = "Obrigado 😀 pelo\tserviço\n\x00de sempre"
	text, _ := pdfText(t, r, "ted-emoji")
	wantText(t, text, "Obrigado ? pelo serviço de sempre")
}
