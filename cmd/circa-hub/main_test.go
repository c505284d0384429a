package main

import (
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

func TestHubMessagesAreTranslated(t *testing.T) {
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	i18n.SetLang(i18n.Chinese)
	if _, err := zone("Mars/Base"); err == nil || errorText(err) != "无法识别时区 Mars/Base：请使用 Asia/Shanghai 这样的名称。" {
		t.Errorf("an unknown zone: %v", err)
	}
	if got := errorText(needData()); got != "请用 --data 指定中心站存放图书馆数据的文件夹。" {
		t.Errorf("no --data: %q", got)
	}
	if got := errorText(app.Refuse(app.ReasonDatabaseLocked)); got != i18n.T("refusal.database_locked") {
		t.Errorf("a refusal: %q", got)
	}
	if loc, err := zone("Asia/Shanghai"); err != nil || loc.String() != "Asia/Shanghai" {
		t.Errorf("Asia/Shanghai: %v %v", loc, err)
	}
}
