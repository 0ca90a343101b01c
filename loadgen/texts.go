package loadgen

import (
	"math/rand/v2"
	"strings"
)

// words are what generated messages are made of: Spanish and English with accents,
// ñ, emoji (multi-byte, a ZWJ sequence and a flag) and punctuation.
var words = strings.Fields(`hola buenos días gracias pedido envío número teléfono
	dirección mañana señor señora atención cliente problema solución ¿cuándo? ¡genial!
	factura pago devolución café niño acción información también está aquí allí
	please order tracking refund thanks hello again soon price café naïve
	😀 👍 🙏 🎉 ❤️ 👩‍💻 🇪🇸 ✅ 📦 — … « » 100% $25.99 #A-1029 ok sí no`)

// text returns a message of min..max words: from one word to a paragraph.
func text(rng *rand.Rand, minWords, maxWords int) string {
	// Skew towards short chat messages, with a long tail of paragraphs.
	n := minWords
	if span := maxWords - minWords; span > 0 {
		f := rng.Float64()
		n += int(float64(span) * f * f * f)
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}
