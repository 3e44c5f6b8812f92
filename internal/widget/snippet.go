package widget

import (
	"fmt"
	"html"
	"strconv"
)

// DefaultWidth is the widget's width in CSS pixels when none is asked for.
const DefaultWidth = 600

// Snippet returns ready-to-paste email HTML: the widget image at imgURL, width CSS pixels
// wide, linked to the shopper page at pageURL, with alt as its alternative text.
func Snippet(pageURL, imgURL, alt string, width int) string {
	return fmt.Sprintf(`<a href="%s" target="_blank"><img src="%s" width="%s" border="0" style="display:block;max-width:100%%;height:auto" alt="%s"></a>`,
		html.EscapeString(pageURL), html.EscapeString(imgURL), strconv.Itoa(width), html.EscapeString(alt))
}
