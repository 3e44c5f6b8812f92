package status

import "encoding/json"

// accountSettings is the JSON document of an account's settings, as every store keeps it
// (accounts.settings). Fields added later are omitted when empty, so that documents written
// before them read the same.
type accountSettings struct {
	PublicView     string   `json:"public_view"`
	LogoURL        string   `json:"logo_url"`
	AccentColor    string   `json:"accent_color"`
	SupportEmail   string   `json:"support_email"`
	SupportPhone   string   `json:"support_phone"`
	SupportURL     string   `json:"support_url"`
	CallbackURL    string   `json:"callback_url"`
	Language       string   `json:"language"`
	CallbackMode   string   `json:"callback_mode,omitempty"`
	CallbackTopics []string `json:"callback_topics,omitempty"`
	DisplayName    string   `json:"display_name,omitempty"`
	ShopURL        string   `json:"shop_url,omitempty"`
	ReturnsURL     string   `json:"returns_url,omitempty"`
}

// EncodeAccountSettings returns the settings document of a.
func EncodeAccountSettings(a Account) string {
	b, _ := json.Marshal(accountSettings{a.PublicView, a.LogoURL, a.AccentColor, a.SupportEmail, a.SupportPhone, a.SupportURL,
		a.CallbackURL, a.Language, a.CallbackMode, a.CallbackTopics, a.DisplayName, a.ShopURL, a.ReturnsURL})
	return string(b)
}

// DecodeAccountSettings sets a's settings from a settings document; an empty public view
// reads as PublicViewStatus.
func DecodeAccountSettings(doc string, a *Account) error {
	var st accountSettings
	if err := json.Unmarshal([]byte(doc), &st); err != nil {
		return err
	}
	a.PublicView, a.LogoURL, a.AccentColor, a.SupportEmail, a.SupportPhone, a.SupportURL, a.CallbackURL, a.Language =
		st.PublicView, st.LogoURL, st.AccentColor, st.SupportEmail, st.SupportPhone, st.SupportURL, st.CallbackURL, st.Language
	a.CallbackMode, a.CallbackTopics = st.CallbackMode, st.CallbackTopics
	a.DisplayName, a.ShopURL, a.ReturnsURL = st.DisplayName, st.ShopURL, st.ReturnsURL
	if a.PublicView == "" {
		a.PublicView = PublicViewStatus
	}
	return nil
}

// WithLogoURL returns a settings document with only its logo URL changed, so that a logo
// upload cannot overwrite settings written at the same time.
func WithLogoURL(doc, logoURL string) (string, error) {
	var a Account
	if err := DecodeAccountSettings(doc, &a); err != nil {
		return "", err
	}
	a.LogoURL = logoURL
	return EncodeAccountSettings(a), nil
}
