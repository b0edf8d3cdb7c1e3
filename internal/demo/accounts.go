package demo

import (
	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
)

// Accounts are the demo's users: one per role and tier, in the city, in
// Mentougou District (门头沟区, whose streets have depots of their own) and
// in its Datai Subdistrict (大台街道). `serve --demo` creates them with
// random passwords (ops.Service.AddDemoAccounts).
func Accounts() []account.User {
	city, district, street := "110000", "110109", "110109004"
	user := func(name, nameZH string, role access.Role, area, org string, depots ...string) account.User {
		return account.User{Username: name, Name: nameZH, Roles: []access.Role{role}, AreaCode: area, OrgCode: org,
			Depots: depots}
	}
	return []account.User{
		user("admin-city", "市级系统管理员", access.RoleAdmin, city, "BJ-EMB"),
		user("commander-city", "市级值班指挥", access.RoleCommander, city, "BJ-EMB"),
		user("commander-mentougou", "门头沟区值班指挥", access.RoleCommander, district, "110109-EMB"),
		user("manager-city", "市级储备管理员", access.RoleManager, city, "BJ-EMB"),
		user("manager-mentougou", "门头沟区储备管理员", access.RoleManager, district, "110109-EMB"),
		user("manager-datai", "大台街道储备管理员", access.RoleManager, street, "110109-EMB"),
		user("keeper-city", "市级防汛库库管", access.RoleKeeper, city, "BJ-EMB", "C-DX-FLOOD"),
		user("keeper-mentougou", "门头沟区储备库库管", access.RoleKeeper, district, "110109-EMB", "D-110109-01"),
		user("keeper-datai", "大台街道储备点库管", access.RoleKeeper, street, "110109-EMB", "S-110109004-01"),
		user("partner-grain", "市粮食和储备局（协作部门）", access.RolePartner, city, "BJ-GRAIN"),
		user("viewer-city", "市级只读用户", access.RoleViewer, city, "BJ-EMB"),
		user("viewer-mentougou", "门头沟区只读用户", access.RoleViewer, district, "110109-EMB"),
	}
}
