package boletopdf

import (
	"fmt"

	"github.com/boombuler/barcode/twooffive"
)

// bar is one dark bar of the barcode, in modules (narrow widths) from its left end.
type bar struct{ x, w int }

// barsOf encodes a 44-digit barcode as Interleaved 2 of 5 (FEBRABAN's symbology: start, 22 digit
// pairs, stop; wide elements three times the narrow) with boombuler/barcode, and returns its dark
// bars. It reads them from the library's one-pixel-per-module image, so the drawing follows the
// library's encoding exactly; the PDF draws each bar as a filled rectangle (vector, sharp at any
// zoom and print resolution).
func barsOf(code string) ([]bar, error) {
	img, err := twooffive.Encode(code, true)
	if err != nil {
		return nil, fmt.Errorf("boletopdf: encode the barcode: %w", err)
	}
	b := img.Bounds()
	var out []bar
	for x := b.Min.X; x < b.Max.X; x++ {
		r, _, _, _ := img.At(x, b.Min.Y).RGBA()
		dark := r < 0x8000
		switch {
		case !dark:
		case len(out) > 0 && out[len(out)-1].x+out[len(out)-1].w == x-b.Min.X:
			out[len(out)-1].w++
		default:
			out = append(out, bar{x: x - b.Min.X, w: 1})
		}
	}
	return out, nil
}
