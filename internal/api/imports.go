package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// ImportBodyBytes bounds the file of an import (POST /api/imports), the
// one route whose body may exceed Options.MaxBodyBytes: a province's
// opening stock, a million rows, is some tens of megabytes.
const ImportBodyBytes = 256 << 20

// importJobs follows the commits running in this process, for GET
// /api/imports/{id} to show their progress.
type importJobs struct {
	mu   sync.Mutex // guards jobs
	jobs map[int64]importProgress
}

type importProgress struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

func (j *importJobs) set(id int64, p *importProgress) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jobs == nil {
		j.jobs = map[int64]importProgress{}
	}
	if p == nil {
		delete(j.jobs, id)
		return
	}
	j.jobs[id] = *p
}

func (j *importJobs) get(id int64) (importProgress, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	p, ok := j.jobs[id]
	return p, ok
}

// importKind is a kind of import as GET /api/imports/kinds lists it.
type importKind struct {
	Kind    string         `json:"kind"`
	NameZH  string         `json:"name_zh"`
	NameEN  string         `json:"name_en"`
	Key     []string       `json:"key"`
	Action  string         `json:"action"`
	Columns []importColumn `json:"columns"`
}

type importColumn struct {
	Key      string           `json:"key"`
	ZH       string           `json:"header_zh"`
	EN       string           `json:"header_en"`
	Unit     string           `json:"unit,omitempty"`
	Required bool             `json:"required"`
	Choices  []tabular.Choice `json:"choices,omitempty"`
	Example  string           `json:"example,omitempty"`
	Note     string           `json:"note,omitempty"`
}

// listImportKinds answers the kinds of data a file can hold, with their
// columns.
func (h *handler) listImportKinds(w http.ResponseWriter, r *http.Request) {
	var out []importKind
	for _, s := range importer.Specs() {
		k := importKind{Kind: string(s.Kind), NameZH: s.ZH, NameEN: s.EN, Key: s.Key, Action: string(s.Action)}
		for _, c := range s.Columns {
			k.Columns = append(k.Columns, importColumn{Key: c.Key, ZH: c.ZH, EN: c.EN, Unit: c.Unit, Required: c.Required,
				Choices: c.Choices, Example: c.Example, Note: c.Note})
		}
		out = append(out, k)
	}
	h.json(w, r, http.StatusOK, list("kinds", out))
}

// importTemplate answers the empty file to fill in for a kind:
// ?format=xlsx (the default) or csv.
func (h *handler) importTemplate(w http.ResponseWriter, r *http.Request) {
	kind, format := r.PathValue("kind"), r.URL.Query().Get("format")
	var buf bytes.Buffer
	if err := ops.ImportTemplate(&buf, kind, format); err != nil {
		h.error(w, r, err)
		return
	}
	ext, ctype := "xlsx", xlsxType
	if strings.EqualFold(strings.TrimSpace(format), "csv") {
		ext, ctype = "csv", "text/csv; charset=utf-8"
	}
	h.download(w, "stockpile-"+kind+"-template."+ext, ctype, buf.Bytes())
}

// download writes a file for the browser to save.
func (h *handler) download(w http.ResponseWriter, name, ctype string, data []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// createImport checks an uploaded file of ?kind=K and stores it as a
// previewed import: the file is the body as it is (any Content-Type) or
// the part "file" of a multipart form, at most ImportBodyBytes.
func (h *handler) createImport(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if _, err := importer.SpecOf(kind); err != nil {
		h.error(w, r, err)
		return
	}
	name, data, err := readImportFile(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	im, err := h.ops.PreviewImport(r.Context(), actor(r), kind, name, data)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/imports/"+strconv.FormatInt(im.ID, 10), im)
}

// readImportFile reads the uploaded file and its name: the multipart
// part's file name, else ?filename=, else "upload".
func readImportFile(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	if r.ContentLength > ImportBodyBytes {
		return "", nil, httpx.TooLarge(ImportBodyBytes)
	}
	body := http.MaxBytesReader(w, r.Body, ImportBodyBytes)
	name := strings.TrimSpace(r.URL.Query().Get("filename"))
	var src io.Reader = body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		part, err := filePart(r)
		if err != nil {
			return "", nil, err
		}
		if part.FileName() != "" {
			name = part.FileName()
		}
		src = part
	}
	data, err := io.ReadAll(src)
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return "", nil, httpx.TooLarge(ImportBodyBytes)
	case err != nil:
		return "", nil, apperr.New(apperr.Invalid, "import.upload_failed", "文件上传不完整：%v", "the upload did not complete: %v", err)
	case len(data) == 0:
		return "", nil, apperr.New(apperr.Invalid, "import.empty_file", "文件为空", "the file is empty").WithField("file")
	}
	if name == "" {
		name = "upload"
	}
	return name, data, nil
}

// filePart finds the part "file" of a multipart body.
func filePart(r *http.Request) (interface {
	io.Reader
	FileName() string
}, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "import.upload_failed", "表单无法读取：%v", "the form cannot be read: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "import.no_file", "表单中没有名为 file 的文件", "the form has no part named file").
				WithField("file")
		}
		if part.FormName() == "file" {
			return part, nil
		}
	}
}

// importView is an import as GET /api/imports/{id} shows it, with the
// progress of a commit running in this process.
type importView struct {
	ops.Import
	Committing *importProgress `json:"committing,omitempty"`
}

// getImport answers an import: its status, counts and problems, and how
// far a running commit has got.
func (h *handler) getImport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	im, err := h.ops.GetImport(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	v := importView{Import: im}
	if p, ok := h.jobs.get(id); ok {
		v.Committing = &p
	}
	h.json(w, r, http.StatusOK, v)
}

// importProblems answers the uploaded file with its problems marked.
func (h *handler) importProblems(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := h.ops.ImportProblems(r.Context(), actor(r), id, &buf); err != nil {
		h.error(w, r, err)
		return
	}
	h.download(w, "stockpile-import-"+strconv.FormatInt(id, 10)+"-problems.xlsx", xlsxType, buf.Bytes())
}

// commitImport applies a previewed import; the one-time passwords of new
// users are in this answer only.
func (h *handler) commitImport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	defer h.jobs.set(id, nil)
	im, err := h.ops.CommitImport(r.Context(), actor(r), id, func(done, total int64) {
		h.jobs.set(id, &importProgress{Done: done, Total: total})
	})
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store") // it may hold one-time passwords
	h.json(w, r, http.StatusOK, im)
}

// discardImport drops a previewed import and its file.
func (h *handler) discardImport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	im, err := h.ops.DiscardImport(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, im)
}
