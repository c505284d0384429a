; Circa's Windows installer, built by `make package` with makensis (NSIS 3):
;
;   makensis -DVERSION=... -DAPP_VERSION=0.1.0.1 -DEXE=dist/circa.exe \
;            -DICON=dist/circa.ico -DOUTFILE=dist/circa-...-setup.exe packaging/windows/circa.nsi
;
; It installs Circa.exe into Program Files for all users, makes Start menu and
; desktop shortcuts with the program's icon, and registers an uninstaller in
; Settings → Apps. The library itself lives in each user's data folder
; (%AppData%\circa, see the README): neither installing nor uninstalling
; touches it.

Unicode true
; Paths on the command line are relative to where makensis runs, not to this file.
!macro Require NAME
  !ifndef ${NAME}
    !error "Give -D${NAME}: makensis -DVERSION=... -DAPP_VERSION=a.b.c.d -DEXE=... -DICON=... -DOUTFILE=..."
  !endif
!macroend
!insertmacro Require VERSION
!insertmacro Require APP_VERSION
!insertmacro Require EXE
!insertmacro Require ICON
!insertmacro Require OUTFILE

!define APP_NAME   "Circa"
!define APP_ID     "org.circa-library.circa"
!define APP_EXE    "Circa.exe"
!define PUBLISHER  "Circa library project"
!define WEBSITE    "https://github.com/circa-library/circa"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
; File times are not stored, so the same inputs give the same installer.
SetDateSave off
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${APP_VERSION}"
VIFileVersion "${APP_VERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} setup"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "x64.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; the installer follows Windows' display language.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString Need64Bit ${LANG_SIMPCHINESE} "Circa 需要 64 位的 Windows。"
LangString Need64Bit ${LANG_ENGLISH} "Circa needs 64-bit Windows."
; Literal %AppData%: after SetShellVarContext all, $APPDATA is ProgramData's.
LangString DataKept ${LANG_SIMPCHINESE} "图书馆数据仍在各用户的 %AppData%\circa 文件夹中，未被删除。"
LangString DataKept ${LANG_ENGLISH} "The library's data stays in each user's %AppData%\circa folder; it was not removed."
LangString ShortcutDesc ${LANG_SIMPCHINESE} "图书馆借还台"
LangString ShortcutDesc ${LANG_ENGLISH} "Library circulation desk"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "$(Need64Bit)"
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Circa" SecMain
  SectionIn RO
  ; Shortcuts for every user of the PC, as the program is in Program Files.
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "/oname=${APP_EXE}" "${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 \
    SW_SHOWNORMAL "" "$(ShortcutDesc)"
  CreateShortCut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 \
    SW_SHOWNORMAL "" "$(ShortcutDesc)"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "URLInfoAbout" "${WEBSITE}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  SectionGetSize ${SecMain} $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
  DetailPrint "$(DataKept)"
SectionEnd
