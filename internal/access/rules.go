package access

import (
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Action is something a principal may be allowed to do. Every API route,
// web screen and command that reads or changes data names one; the rule
// table says who may.
type Action string

// The actions. Reads are scoped too: what a list shows is filtered by
// [Actor.View] of its action.
const (
	Public Action = "public" // health, the API description, the sign-in page: no sign-in needed
	Self   Action = "self"   // who am I, sign out, change my password: anyone signed in

	ReferenceRead Action = "reference.read" // catalogue, categories, areas, organisations
	StockRead     Action = "stock.read"     // depots, lots, balances, movements, reserves, the map and dashboard
	LedgerVerify  Action = "ledger.verify"  // recompute the ledger's hash chain and balances
	StockPost     Action = "stock.post"     // post movements (receipts, issues, adjustments, scrap)

	CatalogWrite Action = "catalog.write" // add items to the catalogue
	AreaWrite    Action = "area.write"    // add areas under one in scope
	OrgWrite     Action = "org.write"     // add organisations
	DepotWrite   Action = "depot.write"   // add depots
	ReserveWrite Action = "reserve.write" // add agreement and capacity reserves
	// DataImport reaches the import routes; each row of a file is then
	// checked against the write action of its kind (catalog.write,
	// stock.post, …) and its place.
	DataImport Action = "data.import"

	DispatchRead   Action = "dispatch.read"   // incidents, plans, transfer orders, pre-positioning
	IncidentWrite  Action = "incident.write"  // record, change and close incidents
	PlanCreate     Action = "plan.create"     // compute a dispatch plan (and store it as proposed)
	PlanApprove    Action = "plan.approve"    // approve, cancel or recompute a plan
	PlanExecute    Action = "plan.execute"    // execute an approved plan: its stock leaves the depots
	TransferCreate Action = "transfer.create" // order a transfer between depots
	TransferCancel Action = "transfer.cancel" // cancel an ordered transfer
	TransferRun    Action = "transfer.run"    // execute (ship and receive) an ordered transfer
	// From order to site (C8 execution).
	ShipmentRun     Action = "shipment.run"     // arrange shipments of an order, load, depart, deliver, cancel them
	ShipmentReceive Action = "shipment.receive" // sign for a shipment at its destination (签收), with discrepancies
	SiteUse         Action = "site.use"         // distribute, write off or return stock at an incident site
	// Requests for supplies from lower tiers (需求申报).
	RequestSubmit   Action = "request.submit"   // submit a request for an area, withdraw one's own
	RequestDecide   Action = "request.decide"   // approve on, accept (as an incident's demand) or reject a request waiting for one's area
	ReplenishSettle Action = "replenish.settle" // mark a replenishment owed to one's area settled
	// Donations and emergency purchase (C11).
	DonationReceive Action = "donation.receive" // receive a donation at a depot, with its quality check and restrictions
	PurchaseOrder   Action = "purchase.order"   // call off an agreement reserve (紧急采购), cancel the call-off
	PurchaseReceive Action = "purchase.receive" // receive a call-off's delivery at its depot

	ReadinessRead      Action = "readiness.read"      // the readiness assessment, norms and scenarios
	ReadinessConfigure Action = "readiness.configure" // readiness settings and norms
	ScenarioWrite      Action = "scenario.write"      // save scenarios
	PrepositionCreate  Action = "preposition.create"  // recommend pre-positioning for a warning
	PrepositionApprove Action = "preposition.approve" // approve or cancel a recommendation

	UserManage  Action = "user.manage"  // users: add, change, disable, end sessions
	TokenManage Action = "token.manage" // API tokens for partner systems: issue, revoke
	AuditRead   Action = "audit.read"   // search the audit trail

	EventRead     Action = "events.read"    // follow the change feed, each event shown by its own read action and scope
	WebhookManage Action = "webhook.manage" // register webhooks for the change feed, read their delivery logs, resume them

	// The warehouse keeper's work (库内作业).
	ScrapApprove     Action = "scrap.approve"     // approve or reject a scrap above the threshold (a second person)
	StockCount       Action = "stocktake.count"   // open a stock-take, enter and recount its counts, submit it
	StockCountDecide Action = "stocktake.approve" // approve a submitted stock-take (its adjustments), reopen or cancel it
	CareRecord       Action = "care.record"       // record inspections and maintenance, carry out rotation plans
	CarePlan         Action = "care.plan"         // care schedules per item class, rotation plans

	// The supplier directory and emergency requisitions (C11).
	SupplierWrite    Action = "supplier.write"    // keep the directory of qualified suppliers
	RequisitionWrite Action = "requisition.write" // record requisitions of private goods, their return and compensation
)

// Reach is how far a role's grant of an action goes.
type Reach int

const (
	// Denied is the zero Reach: the role may not.
	Denied Reach = iota
	// Own is the role's scope: the area subtree, the keeper's depots or
	// the partner's organisation.
	Own
	// Everywhere is the whole city, whatever the actor's scope.
	Everywhere
)

// Rule says who may take an action, and how far.
type Rule struct {
	Action Action
	Grants map[Role]Reach
	// AnyPlace is satisfied when one of the places the act touches is in
	// reach (a transfer is executed from either end); otherwise every
	// place must be.
	AnyPlace bool
	ZH, EN   string // what the action is, for the rules table in the docs
}

// all grants every role reach r.
func all(r Reach) map[Role]Reach {
	g := map[Role]Reach{}
	for _, role := range Roles {
		g[role] = r
	}
	return g
}

// Rules is the one table of who may do what. Deny by default: a role not
// listed for an action may not take it, and an action not in the table is
// refused to everyone but the system. docs/access.md shows this table; a
// test keeps the two in step.
var Rules = []Rule{
	{Action: Public, Grants: nil, ZH: "健康检查、接口说明、登录页", EN: "health, API description, sign-in page"},
	{Action: Self, Grants: all(Own), ZH: "查看本人信息、退出、修改本人密码", EN: "who am I, sign out, change own password"},
	{Action: ReferenceRead, Grants: all(Everywhere), ZH: "查看物资目录、区域、储备主体", EN: "read catalogue, areas, organisations"},
	{Action: StockRead, Grants: map[Role]Reach{RoleAdmin: Own, RoleCommander: Everywhere, RoleManager: Own,
		RoleKeeper: Own, RolePartner: Own, RoleViewer: Own},
		ZH: "查看储备库、批次、库存、台账、协议和产能储备", EN: "read depots, lots, balances, ledger, agreement and capacity reserves"},
	{Action: LedgerVerify, Grants: map[Role]Reach{RoleAdmin: Everywhere, RoleManager: Everywhere, RoleViewer: Everywhere},
		ZH: "校验台账哈希链", EN: "verify the ledger's hash chain"},
	{Action: StockPost, Grants: map[Role]Reach{RoleManager: Own, RoleKeeper: Own, RolePartner: Own},
		ZH: "登记出入库、调整、报废", EN: "post movements"},
	{Action: CatalogWrite, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own},
		ZH: "新增、修改、停用物资和类目（仅市级）", EN: "add, edit and retire catalogue items and categories (city scope only)"},
	{Action: AreaWrite, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own}, ZH: "新增、修改、停用下级区域", EN: "add, edit and retire areas"},
	{Action: OrgWrite, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own}, ZH: "新增、修改、停用储备主体", EN: "add, edit and retire organisations"},
	{Action: DepotWrite, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own}, ZH: "新增、修改、停用储备库", EN: "add, edit and retire depots"},
	{Action: ReserveWrite, Grants: map[Role]Reach{RoleManager: Own, RolePartner: Own},
		ZH: "新增、修改、停用协议储备、产能储备", EN: "add, edit and retire agreement and capacity reserves"},
	{Action: DataImport, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own, RoleKeeper: Own, RolePartner: Own},
		ZH: "导入 Excel/CSV 文件（每行另按其数据类型的写权限和范围检查）", EN: "import Excel/CSV files (each row checked against its kind's write action and scope)"},
	{Action: DispatchRead, Grants: map[Role]Reach{RoleAdmin: Everywhere, RoleCommander: Everywhere,
		RoleManager: Everywhere, RoleKeeper: Everywhere, RoleViewer: Everywhere},
		ZH: "查看事件、调度方案、调拨单、前置方案", EN: "read incidents, plans, transfer orders, pre-positioning"},
	{Action: IncidentWrite, Grants: map[Role]Reach{RoleCommander: Everywhere}, ZH: "登记、修改、关闭事件", EN: "record, change, close incidents"},
	{Action: PlanCreate, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Everywhere},
		ZH: "计算调度方案", EN: "compute dispatch plans"},
	{Action: PlanApprove, Grants: map[Role]Reach{RoleCommander: Own},
		ZH: "批准、取消、重算方案（须覆盖全部出库库点）", EN: "approve, cancel, recompute plans (every source depot in scope)"},
	{Action: PlanExecute, Grants: map[Role]Reach{RoleCommander: Own},
		ZH: "执行方案（须覆盖全部出库库点）", EN: "execute plans (every source depot in scope)"},
	{Action: TransferCreate, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "下达调拨单（须覆盖调出库点）", EN: "order transfers (source depots in scope)"},
	{Action: TransferCancel, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "取消调拨单（须覆盖调出库点）", EN: "cancel transfers (source depots in scope)"},
	{Action: TransferRun, Grants: map[Role]Reach{RoleManager: Own, RoleKeeper: Own}, AnyPlace: true,
		ZH: "执行调拨（调出或调入库点之一在范围内）", EN: "execute transfers (source or destination in scope)"},
	{Action: ShipmentRun, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Own, RoleKeeper: Own}, AnyPlace: true,
		ZH: "安排运输、装车、发车、确认送达、取消运单（调出或调入地点之一在范围内）",
		EN: "arrange, load, dispatch, deliver and cancel shipments (source or destination in scope)"},
	{Action: ShipmentReceive, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Own, RoleKeeper: Own},
		ZH: "到货签收（含部分签收、损坏和短少，须覆盖收货地点）", EN: "sign for shipments, with partial receipt and discrepancies (destination in scope)"},
	{Action: SiteUse, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Own},
		ZH: "现场发放、消耗核销、回收入库（须覆盖现场库）", EN: "distribute, write off and return stock at incident sites (site in scope)"},
	{Action: RequestSubmit, Grants: map[Role]Reach{RoleCommander: Own, RoleManager: Own},
		ZH: "需求申报、撤回本人的申报（须覆盖申报区域）", EN: "submit requests for supplies, withdraw one's own (area in scope)"},
	{Action: RequestDecide, Grants: map[Role]Reach{RoleCommander: Own, RoleManager: Own},
		ZH: "审核需求申报：同意上报、采纳为事件需求或驳回（须覆盖当前审核层级）",
		EN: "decide requests: approve on, accept as an incident's demand, or reject (the waiting level in scope)"},
	{Action: ReplenishSettle, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "确认补库已结算（须覆盖被调用储备的区域）", EN: "mark replenishment owed to one's area settled (that area in scope)"},
	{Action: DonationReceive, Grants: map[Role]Reach{RoleManager: Own, RoleKeeper: Own},
		ZH: "捐赠物资验收入库（含使用限定，须覆盖接收库点）", EN: "receive donations with their checks and restrictions (depot in scope)"},
	{Action: PurchaseOrder, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Own},
		ZH: "向协议储备下达紧急采购、取消采购（须覆盖交货库点）", EN: "call off agreement reserves and cancel call-offs (delivery depot in scope)"},
	{Action: PurchaseReceive, Grants: map[Role]Reach{RoleManager: Own, RoleKeeper: Own},
		ZH: "紧急采购到货验收入库（须覆盖交货库点）", EN: "receive call-off deliveries (delivery depot in scope)"},
	{Action: ReadinessRead, Grants: map[Role]Reach{RoleAdmin: Everywhere, RoleCommander: Everywhere,
		RoleManager: Everywhere, RoleViewer: Everywhere},
		ZH: "查看储备能力评估、定额、情景", EN: "read readiness, norms, scenarios"},
	{Action: ReadinessConfigure, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own},
		ZH: "修改储备能力设置与定额（仅市级）", EN: "change readiness settings and norms (city scope only)"},
	{Action: ScenarioWrite, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Everywhere},
		ZH: "保存情景", EN: "save scenarios"},
	{Action: PrepositionCreate, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Everywhere},
		ZH: "根据预警生成前置方案", EN: "recommend pre-positioning"},
	{Action: PrepositionApprove, Grants: map[Role]Reach{RoleCommander: Own},
		ZH: "批准、取消前置方案（须覆盖全部调出库点）", EN: "approve, cancel pre-positioning (every source depot in scope)"},
	{Action: UserManage, Grants: map[Role]Reach{RoleAdmin: Own}, ZH: "管理用户（本级及下级）", EN: "manage users in scope"},
	{Action: TokenManage, Grants: map[Role]Reach{RoleAdmin: Own}, ZH: "管理接口令牌", EN: "manage API tokens"},
	{Action: AuditRead, Grants: map[Role]Reach{RoleAdmin: Own}, ZH: "查询审计日志（仅市级）", EN: "search the audit trail (city scope only)"},
	{Action: ScrapApprove, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "审批超过限额的报废（须为申请人以外的人）", EN: "approve or reject scraps above the threshold (someone other than the requester)"},
	{Action: StockCount, Grants: map[Role]Reach{RoleManager: Own, RoleKeeper: Own},
		ZH: "发起盘点、录入和复盘数量、提交盘点", EN: "open stock-takes, enter counts and recounts, submit them"},
	{Action: StockCountDecide, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "审核盘点（生成盘盈盘亏调整）、退回或作废", EN: "approve a stock-take (posting its adjustments), reopen or cancel it"},
	{Action: CareRecord, Grants: map[Role]Reach{RoleManager: Own, RoleKeeper: Own},
		ZH: "登记检测和保养、执行轮换", EN: "record inspections and maintenance, carry out rotation plans"},
	{Action: CarePlan, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "制定养护计划（仅市级）和轮换计划", EN: "set care schedules (city scope only) and plan rotations"},
	{Action: SupplierWrite, Grants: map[Role]Reach{RoleManager: Own},
		ZH: "维护合格供应商名录：新增、修改、暂停、恢复、移出（仅市级）",
		EN: "keep the supplier directory: add, edit, suspend, reinstate and remove suppliers (city scope only)"},
	{Action: RequisitionWrite, Grants: map[Role]Reach{RoleCommander: Everywhere, RoleManager: Own},
		ZH: "登记紧急征用及其归还、补偿核定和支付（须覆盖征用所在区域）",
		EN: "record requisitions of private goods, their return, assessed and paid compensation (area in scope)"},
	{Action: EventRead, Grants: all(Own), ZH: "订阅变更事件（每条事件再按其内容的查看权限和范围过滤）",
		EN: "follow the change feed (each event shown by the read action and scope of what it is about)"},
	{Action: WebhookManage, Grants: map[Role]Reach{RoleAdmin: Own, RoleManager: Own, RolePartner: Own},
		ZH: "登记回调地址接收变更事件、查看投递记录、恢复暂停的回调（只投递登记者可见的事件）",
		EN: "register webhooks for the change feed, read their deliveries, resume them (only events the registrant may see)"},
}

// RuleOf returns the rule of action a.
func RuleOf(a Action) (Rule, bool) {
	for _, r := range Rules {
		if r.Action == a {
			return r, true
		}
	}
	return Rule{}, false
}

// Can reports whether the actor may take action a at all, somewhere: what
// screens ask before offering a button.
func (a Actor) Can(act Action) bool {
	if act == Public || a.Superuser {
		return true
	}
	if !a.Signed() {
		return false
	}
	if act == Self {
		return true
	}
	rule, ok := RuleOf(act)
	if !ok {
		return false
	}
	for _, role := range a.Roles {
		if rule.Grants[role] != Denied {
			return true
		}
	}
	return false
}

// Allow decides whether the actor may take action act on the given places
// (none for acts that touch no place in particular). It returns nil, or
// an apperr: auth.required (401) for an anonymous request,
// auth.forbidden (403) for a role that may not, auth.out_of_scope (403)
// for a place beyond the actor's reach.
func (a Actor) Allow(act Action, places ...Place) error {
	if act == Public || a.Superuser {
		return nil
	}
	if !a.Signed() {
		return ErrSignInRequired()
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if act == Self { // even one who must change their password, and so has no roles yet
		return nil
	}
	rule, ok := RuleOf(act)
	if !ok {
		return forbidden(act)
	}
	granted := false
	for _, role := range a.Roles {
		reach := rule.Grants[role]
		if reach == Denied {
			continue
		}
		granted = true
		if reach == Everywhere || a.reaches(role, rule.AnyPlace, places) {
			return nil
		}
	}
	if !granted {
		return forbidden(act)
	}
	return outOfScope(act, places)
}

// reaches reports whether role r of a reaches the places: all of them, or
// with any, at least one. No places is reached.
func (a Actor) reaches(r Role, any bool, places []Place) bool {
	if len(places) == 0 {
		return true
	}
	for _, p := range places {
		in := a.covers(r, p)
		if any && in {
			return true
		}
		if !any && !in {
			return false
		}
	}
	return !any
}

// ErrSignInRequired is the refusal of an anonymous request.
func ErrSignInRequired() *apperr.Error {
	return apperr.New(apperr.Unauthenticated, "auth.required", "请先登录或提供接口令牌",
		"sign in or present an API token first")
}

func forbidden(act Action) *apperr.Error {
	rule, _ := RuleOf(act)
	zh, en := rule.ZH, rule.EN
	if zh == "" {
		zh, en = string(act), string(act)
	}
	return &apperr.Error{Kind: apperr.Forbidden, Code: "auth.forbidden",
		ZH: "您的角色无权" + zh, EN: "your role may not " + en}
}

func outOfScope(act Action, places []Place) *apperr.Error {
	var where []string
	for _, p := range places {
		switch {
		case p.Depot != "":
			where = append(where, p.Depot)
		case p.Org != "":
			where = append(where, p.Org)
		default:
			where = append(where, strings.TrimSuffix(p.AreaPath, "/"))
		}
	}
	w := strings.Join(where, ", ")
	return apperr.New(apperr.Forbidden, "auth.out_of_scope", "超出您的管辖范围：%s", "beyond your scope: %s", w)
}

// View is what part of the stock an actor's action shows: everything, or
// the union of an area subtree, depots and an organisation's depots and
// lots. Lists filter by it; a read of one thing outside it is not found.
type View struct {
	All      bool
	AreaPath string   // depots in this area subtree ("" none)
	Depots   []string // these depots
	Org      string   // depots this organisation holds, lots it owns ("" none)
}

// View returns what action act shows the actor; the zero View (nothing)
// when it may not take act at all.
func (a Actor) View(act Action) View {
	if a.Superuser || act == Public {
		return View{All: true}
	}
	var v View
	if !a.Signed() {
		return v
	}
	rule, _ := RuleOf(act)
	for _, role := range a.Roles {
		switch rule.Grants[role] {
		case Everywhere:
			return View{All: true}
		case Own:
			switch role {
			case RoleKeeper:
				v.Depots = append(v.Depots, a.Scope.Depots...)
			case RolePartner:
				v.Org = a.Scope.Org
			default:
				if a.Scope.All {
					return View{All: true}
				}
				v.AreaPath = a.Scope.AreaPath
			}
		}
	}
	return v
}

// Shows reports whether the view includes place p.
func (v View) Shows(p Place) bool {
	switch {
	case v.All:
		return true
	case v.AreaPath != "" && p.AreaPath != "" && strings.HasPrefix(p.AreaPath, v.AreaPath):
		return true
	case p.Depot != "" && slices.Contains(v.Depots, p.Depot):
		return true
	}
	return v.Org != "" && p.Org == v.Org
}
