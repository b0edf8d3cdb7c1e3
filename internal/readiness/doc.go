// Package readiness answers 够不够: whether what a city holds is enough for
// the disasters it plans for. A Config holds the city's reserve norms (储备
// 定额), the share of each requirement each reserve tier holds (分级储备) and
// the response deadlines; a Scenario (情景) is one or more concurrent
// events in named areas. An Assessor sets a scenario against the city's
// holdings and says, per item, tier and district, what is required, what
// is held, what arrives in time, what to buy and which lots to rotate;
// Overview does so for the reserve plan's standing scenarios and a level Ⅱ
// event in every district. A Recommendation proposes moving stock forward
// before a warned event (物资前置), approved as a transfer order.
//
// The package computes; it reads holdings through an interface and stores
// nothing (internal/store keeps the settings, scenarios and
// recommendations).
package readiness
