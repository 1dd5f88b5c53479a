package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The banned source addresses of the SIP side's flood and scanner
// protection (GET /api/v1/bans), each with a button to lift its ban
// (DELETE /api/v1/bans/{source}).

// ban is one item of GET /api/v1/bans.
type ban struct {
	Source string    `json:"source"`
	Reason string    `json:"reason"` // flood | auth_failures
	Until  time.Time `json:"until"`
}

// banReasons says the API's reasons in words.
var banReasons = map[string]string{
	"flood":         "too many requests (flood)",
	"auth_failures": "too many failed authentications (auth_failures)",
}

// ReasonText is the reason in words, or the API's name for one it does not know.
func (b ban) ReasonText() string {
	if t, ok := banReasons[b.Reason]; ok {
		return t
	}
	return b.Reason
}

func (c *Console) banList(w http.ResponseWriter, r *http.Request, s *session) {
	c.showBans(w, r, s, http.StatusOK, "")
}

func (c *Console) showBans(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	var bans list[ban]
	if err := c.call(r.Context(), s, "GET", "/api/v1/bans", nil, &bans); err != nil {
		c.apiFailure(w, s, err)
		return
	}
	data := map[string]any{"Bans": bans, "Error": msg, "Lifted": r.URL.Query().Get("lifted")}
	c.signedPage(w, status, s, "bans", "Bans", data)
}

// banLift lifts the ban of the posted source. One no longer banned (it
// expired meanwhile) or not an address is said on the list.
func (c *Console) banLift(w http.ResponseWriter, r *http.Request, s *session) {
	source := strings.TrimSpace(r.PostFormValue("source"))
	err := c.call(r.Context(), s, "DELETE", "/api/v1/bans/"+url.PathEscape(source), nil, nil)
	if p, ok := err.(*apiError); ok && (p.Status == http.StatusNotFound || p.Status == http.StatusBadRequest) {
		msg := p.Error()
		for _, e := range p.Errors {
			msg = e.Field + " " + e.Message
		}
		c.showBans(w, r, s, p.Status, "Not lifted: "+msg)
		return
	}
	if err != nil {
		c.apiFailure(w, s, err)
		return
	}
	http.Redirect(w, r, "/ui/bans?lifted="+url.QueryEscape(source), http.StatusSeeOther)
}
