package remote

import (
	"html"
	"regexp"
	"strings"

	"github.com/tickstock/monitor/backend/redact"
)

// What is read from TickStockAppV2's sign-in page (web/templates/auth/
// login.html rendering LoginForm): the hidden csrf_token input of
// form.hidden_tag(), the flashed messages, and the renewal modal switch.
var (
	inputTag   = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	nameCSRF   = regexp.MustCompile(`(?i)\bname\s*=\s*["']csrf_token["']`)
	valueAttr  = regexp.MustCompile(`(?i)\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	flashList  = regexp.MustCompile(`(?is)<ul[^>]*class\s*=\s*["'][^"']*flash-messages[^"']*["'][^>]*>(.*?)</ul>`)
	listItem   = regexp.MustCompile(`(?is)<li[^>]*>(.*?)</li>`)
	anyTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	modalShown = regexp.MustCompile(`'True'\s*===\s*'True'`)
)

// maxPage bounds what is searched of a page.
const maxPage = 1 << 20

// csrfToken is the value of the page's csrf_token input.
func csrfToken(page []byte) (string, bool) {
	if len(page) > maxPage {
		page = page[:maxPage]
	}
	for _, tag := range inputTag.FindAll(page, 64) {
		if !nameCSRF.Match(tag) {
			continue
		}
		m := valueAttr.FindSubmatch(tag)
		if m == nil {
			return "", false
		}
		v := string(m[1]) + string(m[2])
		return html.UnescapeString(v), v != ""
	}
	return "", false
}

// flashed is the page's flashed messages as one line, "" when none.
func flashed(page []byte) string {
	if len(page) > maxPage {
		page = page[:maxPage]
	}
	ul := flashList.FindSubmatch(page)
	if ul == nil {
		return ""
	}
	var msgs []string
	for _, li := range listItem.FindAllSubmatch(ul[1], 10) {
		text := strings.Join(strings.Fields(html.UnescapeString(anyTag.ReplaceAllString(string(li[1]), " "))), " ")
		if text != "" {
			msgs = append(msgs, text)
		}
	}
	return redact.Clip(redact.Text(strings.Join(msgs, "; ")), 300)
}

// renewalModal: the login page rendered with show_renewal_modal=True, which
// TickStockAppV2 answers for right credentials and an expired subscription.
func renewalModal(page []byte) bool {
	if len(page) > maxPage {
		page = page[:maxPage]
	}
	return modalShown.Match(page)
}
