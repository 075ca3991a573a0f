package boletopdf

import (
	"strings"
	"time"
	"unicode"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/money"
)

// Layout, in points on an A4 page (595 × 842). The ficha de compensação follows FEBRABAN's
// arrangement: a header with the bank and the typed line, a grid of labelled fields with the
// right-hand column for due date, codes and amounts, the payer, then the barcode.
const (
	pageW    = 595.0
	margin   = 28.0
	contentW = pageW - 2*margin
	rightW   = 120.0                // the right-hand column (vencimento, nosso número, valores)
	leftW    = contentW - rightW    // everything left of it
	rightX   = margin + leftW       // where the right-hand column starts
	rowH     = 24.0                 // a labelled field
	labelPt  = 6.5                  // a field's label
	valuePt  = 9.0                  // a field's value
	headerH  = 30.0                 // bank name, code and typed line
	module   = 0.72                 // a narrow bar: 0.254 mm, so the 44 digits span some 103 mm
	barH     = 37.0                 // 13 mm, FEBRABAN's minimum height
	quietPt  = 10 * module          // clear space before the start pattern
	fieldPad = 3.0                  // text inset in a field
	cutY     = 300.0                // the dotted cut line between receipt and ficha
	fichaY   = cutY + 24            // top of the ficha de compensação
	instrH   = 5 * 19.2             // the instructions box, as tall as the five amount fields
	amountH  = instrH / 5           // one amount field in the right-hand column
	payerH   = 36.0                 // the payer's box
	bankBoxW = 52.0                 // the bank code's box in the header
	bankX    = margin + 150         // where the bank code's box starts
	lineX    = bankX + bankBoxW + 6 // where the typed line starts
)

// Font families registered in every document.
const (
	regular  = "regular"
	bold     = "bold"
	mono     = "mono"
	monoBold = "monobold"
)

// doc draws the one page of a slip. The first error sticks and every later call does nothing, so
// the drawing code reads as a layout rather than as error handling.
type doc struct {
	pdf  *gopdf.GoPdf
	size float64
	err  error
}

func newDoc(s *Slip) (*doc, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: "Boleto " + s.OurNumber, Subject: "Boleto de pagamento", Author: "Ponte", Creator: "Ponte"})
	for _, f := range []struct {
		family string
		ttf    []byte
	}{{regular, goregular.TTF}, {bold, gobold.TTF}, {mono, gomono.TTF}, {monoBold, gomonobold.TTF}} {
		if err := pdf.AddTTFFontData(f.family, f.ttf); err != nil {
			return nil, err
		}
	}
	pdf.AddPage()
	pdf.SetTextColor(0, 0, 0)
	pdf.SetStrokeColor(0, 0, 0)
	return &doc{pdf: pdf}, nil
}

func (d *doc) font(family string, size float64) {
	if d.err != nil {
		return
	}
	d.err = d.pdf.SetFont(family, "", size)
	d.size = size
}

// text writes s on one line in the box of width w whose top is y, aligned gopdf.Left, Right or
// Center; what does not fit is cut with an ellipsis.
func (d *doc) text(x, y, w float64, s string, align int) {
	s = d.printable(s)
	if d.err != nil || s == "" {
		return
	}
	s = d.fit(s, w)
	d.pdf.SetXY(x, y)
	d.err = d.pdf.CellWithOption(&gopdf.Rect{W: w, H: d.size * 1.2}, s, gopdf.CellOption{Align: align | gopdf.Top})
}

// printable makes free text safe to set in the current font: runs of white space become one
// space, control characters go, and a character the font cannot draw becomes "?".
func (d *doc) printable(s string) string {
	if d.err != nil {
		return ""
	}
	s = strings.Join(strings.Fields(s), " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		if ok, err := d.pdf.IsCurrFontContainGlyph(r); err != nil || !ok {
			return '?'
		}
		return r
	}, s)
}

// fit cuts s with "…" until it is at most w wide in the current font.
func (d *doc) fit(s string, w float64) string {
	if width, err := d.pdf.MeasureTextWidth(s); err == nil && width <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		c := strings.TrimRight(string(rs), " ") + "…"
		if width, err := d.pdf.MeasureTextWidth(c); err != nil || width <= w {
			return c
		}
	}
	return "…"
}

func (d *doc) rect(x, y, w, h float64) {
	d.pdf.SetLineWidth(0.6)
	d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
}

// field is one labelled box of the grid: the label small on top, the value below it.
func (d *doc) field(x, y, w, h float64, label, value, valueFont string, align int) {
	d.rect(x, y, w, h)
	d.font(regular, labelPt)
	d.text(x+fieldPad, y+2, w-2*fieldPad, label, gopdf.Left)
	d.font(valueFont, valuePt)
	d.text(x+fieldPad, y+11, w-2*fieldPad, value, align)
}

// header is the bank's line: its name, its code boxed, the typed line (or a title) on the right.
func (d *doc) header(y float64, s *Slip, right string, rightFont string, rightPt float64) {
	d.bankName(y, s.bankName())
	d.pdf.SetLineWidth(1.2)
	d.pdf.Line(bankX, y+4, bankX, y+headerH)
	d.pdf.Line(bankX+bankBoxW, y+4, bankX+bankBoxW, y+headerH)
	d.font(bold, 15)
	d.text(bankX, y+8, bankBoxW, s.BankCode, gopdf.Center)
	d.font(rightFont, rightPt)
	d.text(lineX, y+11, margin+contentW-lineX, right, gopdf.Right)
	d.pdf.Line(margin, y+headerH, margin+contentW, y+headerH)
}

// bankName writes the bank's name left of its code: on one line at 10 points when it fits,
// else on up to two lines at 8 (a legal name such as "Stone Instituição de Pagamento S.A.").
func (d *doc) bankName(y float64, name string) {
	const w = bankX - margin - 4
	d.font(bold, 10)
	name = d.printable(name)
	if width, err := d.pdf.MeasureTextWidth(name); d.err != nil || (err == nil && width <= w) {
		d.text(margin, y+10, w, name, gopdf.Left)
		return
	}
	d.font(bold, 8)
	lines, err := d.pdf.SplitTextWithWordWrap(name, w)
	if err != nil || len(lines) == 0 {
		lines = []string{name}
	}
	if len(lines) > 2 {
		lines[1] = strings.Join(lines[1:], " ")
		lines = lines[:2]
	}
	top := y + 10
	if len(lines) == 2 {
		top = y + 5
	}
	for i, l := range lines {
		d.text(margin, top+float64(i)*10, w, l, gopdf.Left)
	}
}

// receipt is the recibo do pagador: what the payer keeps once the ficha goes to the bank.
func (d *doc) receipt(s *Slip, bc brazil.Boleto) {
	y := margin
	d.header(y, s, "Recibo do Pagador", bold, 11)
	y += headerH + 6
	third := leftW / 2
	d.field(margin, y, leftW-third, rowH, "Beneficiário", s.Beneficiary.Name, bold, gopdf.Left)
	d.field(margin+leftW-third, y, third, rowH, "CPF/CNPJ do beneficiário", formatDocument(s.Beneficiary.Document), regular, gopdf.Left)
	d.field(rightX, y, rightW, rowH, "Vencimento", formatDate(s.DueDate), bold, gopdf.Right)
	y += rowH
	d.field(margin, y, leftW-third, rowH, "Endereço do beneficiário", s.Beneficiary.Address, regular, gopdf.Left)
	d.field(margin+leftW-third, y, third, rowH, "Agência / Código do beneficiário", agencyCode(s), regular, gopdf.Left)
	d.field(rightX, y, rightW, rowH, "Nosso número", s.OurNumber, regular, gopdf.Right)
	y += rowH
	d.field(margin, y, leftW-third, rowH, "Pagador", s.Payer.Name, bold, gopdf.Left)
	d.field(margin+leftW-third, y, third, rowH, "CPF/CNPJ do pagador", formatDocument(s.Payer.Document), regular, gopdf.Left)
	d.field(rightX, y, rightW, rowH, "(=) Valor do documento", receipts.FormatBRL(money.Cents(s.Amount)), bold, gopdf.Right)
	y += rowH
	quarter := leftW / 4
	d.field(margin, y, quarter, rowH, "Data do documento", formatInstantDate(s.IssuedAt), regular, gopdf.Left)
	d.field(margin+quarter, y, quarter, rowH, "Espécie doc.", species(s.Kind), regular, gopdf.Left)
	d.field(margin+2*quarter, y, quarter, rowH, "Data limite para pagamento", formatDate(s.LimitDate), regular, gopdf.Left)
	d.field(margin+3*quarter, y, quarter, rowH, "Espécie", "R$", regular, gopdf.Left)
	d.field(rightX, y, rightW, rowH, "(=) Valor cobrado", "", regular, gopdf.Right)
	y += rowH
	d.field(margin, y, contentW, rowH, "Descrição", s.Description, regular, gopdf.Left)
	y += rowH
	d.field(margin, y, contentW, rowH, "Linha digitável", bc.FormattedLine(), monoBold, gopdf.Left)
	y += rowH + 4
	d.font(regular, labelPt)
	d.text(margin, y, contentW, "Autenticação mecânica", gopdf.Right)
}

// cutLine is the dotted line the payer cuts along.
func (d *doc) cutLine() {
	d.pdf.SetLineWidth(0.5)
	d.pdf.SetLineType("dotted")
	d.pdf.Line(margin, cutY, margin+contentW, cutY)
	d.pdf.SetLineType("")
	d.font(regular, labelPt)
	d.text(margin, cutY+3, contentW, "Corte na linha pontilhada", gopdf.Right)
}

// compensation is the ficha de compensação: what the bank reads, by eye and by scanner.
func (d *doc) compensation(s *Slip, bc brazil.Boleto, bars []bar) {
	y := fichaY
	d.header(y, s, bc.FormattedLine(), monoBold, 10)
	y += headerH + 6
	d.field(margin, y, leftW, rowH, "Local de pagamento", "Pagável em qualquer banco ou correspondente bancário até a data limite", regular, gopdf.Left)
	d.field(rightX, y, rightW, rowH, "Vencimento", formatDate(s.DueDate), bold, gopdf.Right)
	y += rowH
	beneficiary := joinNonEmpty(" – ", s.Beneficiary.Name, formatDocument(s.Beneficiary.Document), s.Beneficiary.Address)
	d.field(margin, y, leftW, rowH, "Beneficiário", beneficiary, regular, gopdf.Left)
	d.field(rightX, y, rightW, rowH, "Agência / Código do beneficiário", agencyCode(s), regular, gopdf.Right)
	y += rowH
	w := []float64{80, 110, 55, 40}
	w = append(w, leftW-w[0]-w[1]-w[2]-w[3])
	x := margin
	for i, f := range [][2]string{{"Data do documento", formatInstantDate(s.IssuedAt)}, {"Nº do documento", s.OurNumber},
		{"Espécie doc.", species(s.Kind)}, {"Aceite", "N"}, {"Data processamento", formatInstantDate(s.IssuedAt)}} {
		d.field(x, y, w[i], rowH, f[0], f[1], regular, gopdf.Left)
		x += w[i]
	}
	d.field(rightX, y, rightW, rowH, "Nosso número", s.OurNumber, regular, gopdf.Right)
	y += rowH
	x = margin
	for i, f := range [][2]string{{"Uso do banco", ""}, {"Carteira", "1"}, {"Espécie", "R$"}, {"Quantidade", ""}, {"Valor", ""}} {
		d.field(x, y, w[i], rowH, f[0], f[1], regular, gopdf.Left)
		x += w[i]
	}
	d.field(rightX, y, rightW, rowH, "(=) Valor do documento", receipts.FormatBRL(money.Cents(s.Amount)), bold, gopdf.Right)
	y += rowH
	d.instructions(y, s)
	for i, label := range []string{"(-) Desconto / Abatimento", "(-) Outras deduções", "(+) Mora / Multa", "(+) Outros acréscimos", "(=) Valor cobrado"} {
		d.field(rightX, y+float64(i)*amountH, rightW, amountH, label, "", regular, gopdf.Right)
	}
	y += instrH
	d.rect(margin, y, contentW, payerH)
	d.font(regular, labelPt)
	d.text(margin+fieldPad, y+2, contentW, "Pagador", gopdf.Left)
	d.font(bold, valuePt)
	d.text(margin+fieldPad, y+10, contentW-2*fieldPad, joinNonEmpty(" – ", s.Payer.Name, formatDocument(s.Payer.Document)), gopdf.Left)
	d.font(regular, valuePt)
	d.text(margin+fieldPad, y+22, contentW-2*fieldPad, s.Payer.Address, gopdf.Left)
	y += payerH
	d.font(regular, labelPt)
	d.text(margin, y+2, leftW, "Sacador / Avalista", gopdf.Left)
	d.text(rightX-60, y+2, rightW+60, "Autenticação mecânica – Ficha de Compensação", gopdf.Right)
	d.barcode(margin+quietPt, y+16, bars)
}

// instructions fills the instructions box: the beneficiary's lines and the limit date.
func (d *doc) instructions(y float64, s *Slip) {
	d.rect(margin, y, leftW, instrH)
	d.font(regular, labelPt)
	d.text(margin+fieldPad, y+2, leftW-2*fieldPad, "Instruções (texto de responsabilidade do beneficiário)", gopdf.Left)
	lines := append([]string{}, s.Instructions...)
	if !s.LimitDate.IsZero() {
		lines = append(lines, "Não receber após "+formatDate(s.LimitDate)+".")
	}
	d.font(regular, 8)
	for i, l := range lines {
		d.text(margin+fieldPad, y+12+float64(i)*11, leftW-2*fieldPad, l, gopdf.Left)
	}
}

// barcode draws the bars, each a filled black rectangle module points per narrow width.
func (d *doc) barcode(x, y float64, bars []bar) {
	if d.err != nil {
		return
	}
	d.pdf.SetFillColor(0, 0, 0)
	for _, b := range bars {
		d.pdf.RectFromUpperLeftWithStyle(x+float64(b.x)*module, y, float64(b.w)*module, barH, "F")
	}
}

// agencyCode is "0001 / 1234567-8", or whichever half the slip gives.
func agencyCode(s *Slip) string { return joinNonEmpty(" / ", s.BranchCode, s.AccountCode) }

// formatDocument masks a CPF or CNPJ; anything else is printed as given.
func formatDocument(doc string) string {
	if doc == "" {
		return ""
	}
	if d, err := brazil.ParseDocument(doc, ""); err == nil {
		return d.Formatted()
	}
	return doc
}

// formatDate prints a calendar date as dd/mm/yyyy as its own location reads it (a due date is a
// date, not an instant: brazil.Date.Time() is midnight UTC of that date); zero prints "".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// formatInstantDate prints the date of an instant in Brasília (the issuance date).
func formatInstantDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(saopaulo.Location).Format("02/01/2006")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
