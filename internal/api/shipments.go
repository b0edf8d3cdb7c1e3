package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/orderdoc"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// shipmentRequest is the body of POST /api/transfers/{id}/shipments: the
// vehicle and the load, by order line (lot) and quantity.
type shipmentRequest struct {
	Vehicle        string         `json:"vehicle"`
	Driver         string         `json:"driver"`
	Phone          string         `json:"phone"`
	Note           string         `json:"note"`
	All            bool           `json:"all"` // everything left on the order's first route with anything left
	Lines          []shipmentLoad `json:"lines"`
	IdempotencyKey string         `json:"idempotency_key"`
}

type shipmentLoad struct {
	OrderLine int64          `json:"order_line"`
	Quantity  stock.Quantity `json:"quantity"`
}

// createShipment arranges a shipment of an order.
func (h *handler) createShipment(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var req shipmentRequest
	if err == nil {
		err = h.decode(w, r, &req)
	}
	if err == nil {
		req.IdempotencyKey, err = idempotencyKey(r, req.IdempotencyKey)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	sh := shipment.Shipment{OrderID: id, Vehicle: req.Vehicle, Driver: req.Driver, Phone: req.Phone, Note: req.Note,
		IdempotencyKey: req.IdempotencyKey}
	for _, l := range req.Lines {
		sh.Lines = append(sh.Lines, shipment.Line{OrderLine: l.OrderLine, Quantity: l.Quantity})
	}
	if sh, err = h.ops.CreateShipment(r.Context(), actor(r), sh, req.All); err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/shipments/"+strconv.FormatInt(sh.ID, 10), sh)
}

// listShipments lists shipments, newest first, of an optional ?order=,
// ?status= and ?to= (destination code), at most ?limit= (default 100).
func (h *handler) listShipments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f store.ShipmentFilter
	var order, limit int64
	statuses := make([]string, len(shipment.Statuses))
	for i, s := range shipment.Statuses {
		statuses[i] = string(s)
	}
	var err error
	if order, err = httpx.Int(q, "order", 1, 1<<62); err == nil {
		if limit, err = httpx.Int(q, "limit", 1, 1000); err == nil {
			f.Status, err = httpx.OneOf(q, "status", statuses...)
		}
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	f.OrderID, f.Limit, f.To = order, int(limit), q.Get("to")
	out, err := h.store.Shipments(r.Context(), f)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("shipments", out))
}

// shipmentView is a shipment with its receipts.
type shipmentView struct {
	shipment.Shipment
	Receipts []shipment.Receipt `json:"receipts"`
}

func (h *handler) getShipment(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var v shipmentView
	if err == nil {
		if v.Shipment, err = h.store.Shipment(r.Context(), id); err == nil {
			v.Receipts, err = h.store.Receipts(r.Context(), id)
		}
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, v)
}

// shipmentStep serves load, depart, deliver and cancel; the body is
// optional and has no fields.
func (h *handler) shipmentStep(st shipment.Step) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := h.actionRequest(w, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		sh, err := h.ops.ActOnShipment(r.Context(), actor(r), id, st)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, sh)
	}
}

// receiptRequest is the body of POST /api/shipments/{id}/receipts.
type receiptRequest struct {
	IdempotencyKey string                 `json:"idempotency_key"`
	Signer         string                 `json:"signer"`
	Note           string                 `json:"note"`
	Lines          []shipment.ReceiptLine `json:"lines"`
}

// receiveShipment records a receipt: 201 with the shipment, or 200 when
// the same receipt was recorded before under its idempotency key.
func (h *handler) receiveShipment(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var req receiptRequest
	if err == nil {
		err = h.decode(w, r, &req)
	}
	if err == nil {
		req.IdempotencyKey, err = idempotencyKey(r, req.IdempotencyKey)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	sh, replayed, err := h.ops.ReceiveShipment(r.Context(), actor(r), id, shipment.Receipt{IdempotencyKey: req.IdempotencyKey,
		Signer: req.Signer, Note: req.Note, Lines: req.Lines})
	if err != nil {
		h.error(w, r, err)
		return
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	h.json(w, r, status, sh)
}

// printOrder serves an order as its printed PDF (调令/调拨单).
func (h *handler) printOrder(w http.ResponseWriter, r *http.Request) {
	h.printDocument(w, r, "order", (*opsDocs).order)
}

// printWaybill serves a shipment's hand-over note (运输交接单).
func (h *handler) printWaybill(w http.ResponseWriter, r *http.Request) {
	h.printDocument(w, r, "waybill", (*opsDocs).waybill)
}

// opsDocs binds the document use cases to a request.
type opsDocs struct {
	h *handler
	r *http.Request
}

func (d *opsDocs) order(ctx context.Context, id int64) (orderdoc.Document, error) {
	return d.h.ops.OrderDocument(ctx, actor(d.r), id, fmt.Sprintf("/transfers/%d", id))
}

func (d *opsDocs) waybill(ctx context.Context, id int64) (orderdoc.Document, error) {
	return d.h.ops.WaybillDocument(ctx, actor(d.r), id, fmt.Sprintf("/shipments/%d", id))
}

func (h *handler) printDocument(w http.ResponseWriter, r *http.Request, name string,
	doc func(*opsDocs, context.Context, int64) (orderdoc.Document, error)) {
	id, err := httpx.ID(r, "id")
	var d orderdoc.Document
	if err == nil {
		d, err = doc(&opsDocs{h, r}, r.Context(), id)
	}
	var buf bytes.Buffer
	if err == nil {
		err = orderdoc.Write(&buf, d)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%d.pdf"`, name, id))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// listSites lists the incident sites' stores, of an optional ?incident=.
func (h *handler) listSites(w http.ResponseWriter, r *http.Request) {
	out, err := h.store.Sites(r.Context(), r.URL.Query().Get("incident"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("sites", out))
}

// siteDetail is a site's store with its lots and its uses.
type siteDetail struct {
	store.SiteView
	Lots []store.SiteLot `json:"lots"`
	Uses []site.Use      `json:"uses"`
}

func (h *handler) getSite(w http.ResponseWriter, r *http.Request) {
	var v siteDetail
	var err error
	if v.SiteView, err = h.store.Site(r.Context(), r.PathValue("code")); err == nil {
		if v.Lots, err = h.store.SiteLots(r.Context(), v.ID); err == nil {
			v.Uses, err = h.store.SiteUses(r.Context(), v.ID)
		}
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, v)
}

// siteUseRequest is the body of POST /api/sites/{id}/uses.
type siteUseRequest struct {
	Kind           site.UseKind `json:"kind"`
	Recipient      string       `json:"recipient"`
	ToDepot        string       `json:"to_depot"`
	Note           string       `json:"note"`
	IdempotencyKey string       `json:"idempotency_key"`
	Lines          []site.Line  `json:"lines"`
}

// useSite records a distribution, write-off or return at a site: 201, or
// 200 for a retry under the same idempotency key.
func (h *handler) useSite(w http.ResponseWriter, r *http.Request) {
	var req siteUseRequest
	var sv store.SiteView
	err := h.decode(w, r, &req)
	if err == nil {
		req.IdempotencyKey, err = idempotencyKey(r, req.IdempotencyKey)
	}
	if err == nil {
		sv, err = h.store.Site(r.Context(), r.PathValue("code"))
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	u, replayed, err := h.ops.UseSite(r.Context(), actor(r), site.Use{Kind: req.Kind, Location: sv.Code, Recipient: req.Recipient,
		ToDepot: req.ToDepot, Note: req.Note, IdempotencyKey: req.IdempotencyKey, Lines: req.Lines})
	if err != nil {
		h.error(w, r, err)
		return
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	h.json(w, r, status, u)
}

// planProgress follows an executed plan's lines to their end.
func (h *handler) planProgress(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		_, err = h.store.Plan(r.Context(), id)
	}
	var lines []store.LineProgress
	var sites []store.SiteProgress
	if err == nil {
		lines, sites, err = h.store.PlanProgress(r.Context(), id)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, map[string]any{"lines": lines, "sites": sites})
}
