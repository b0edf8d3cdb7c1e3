package orderdoc

// Page geometry, in millimetres from the top-left corner of an A4 page.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 20.0
	contentW     = pageW - 2*margin
	top, bottom  = margin, pageH - margin
)

// block is a part of the document that is never split across pages: the heading, a
// row of the fields grid or of the table, a remark, the signature boxes.
type block struct {
	h    float64
	draw func(y float64) // draws the block with its top at y; nil for vertical space
	row  bool            // a table row: a page it starts gets the table's header first
}

// space is vertical space, which is dropped at the top of a page.
func space(h float64) block { return block{h: h} }

// join makes a and b one block, b under a, so that they stay on one page.
func join(a, b block) block {
	return block{h: a.h + b.h, row: a.row, draw: func(y float64) {
		a.draw(y)
		b.draw(y + a.h)
	}}
}

// placed is a block at its position on a page.
type placed struct {
	block
	y float64
}

// paginate lays bs out on pages, top to bottom, starting a page when the next block
// does not fit above the bottom margin; a table row that starts a page gets head
// above it. A block taller than a page is put on a page of its own and runs over the
// bottom margin; cells and remarks are cut short so that only a signature area of
// dozens of boxes could be that tall.
func paginate(bs []block, head block) [][]placed {
	pages := [][]placed{nil}
	y := top
	for _, b := range bs {
		if b.draw == nil {
			if y > top {
				y += b.h
			}
			continue
		}
		if y > top && y+b.h > bottom {
			pages, y = append(pages, nil), top
			if b.row {
				pages[len(pages)-1] = append(pages[len(pages)-1], placed{head, y})
				y += head.h
			}
		}
		pages[len(pages)-1] = append(pages[len(pages)-1], placed{b, y})
		y += b.h
	}
	return pages
}

// render draws the pages, each with its footer, the running head after the first and
// the watermark on top.
func (r *renderer) render(pages [][]placed) {
	for i, page := range pages {
		r.pdf.AddPage()
		if i > 0 {
			r.runningHead()
		}
		for _, p := range page {
			p.draw(p.y)
		}
		r.footer(i+1, len(pages))
		r.watermark()
	}
}
