; Inno Setup 6.3+ script: a per-user installer for Evidence Recorder (证据记录器), no administrator.
;
;   python -m PyInstaller --noconfirm --clean build.spec          (on Windows: dist\evidence-recorder\)
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\evidence-recorder.iss
;
; Output: dist\installer\evidence-recorder-<version>-setup.exe. It installs to
; %LOCALAPPDATA%\Programs\Evidence Recorder, adds Start-menu shortcuts (and a desktop one on
; request) and an uninstaller in Settings > Apps. Saved as UTF-8 with a byte-order mark, which
; is how Inno Setup knows to read the Chinese text below as UTF-8.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z (build.spec takes it from desktop/__init__.py)
#endif
#define AppName "Evidence Recorder"
#define AppExe "evidence-recorder.exe"
#define CliExe "evidence-recorder-cli.exe"
#define Bundle "..\..\dist\evidence-recorder"

; Simplified Chinese for the setup wizard, where this Inno Setup has it (official or unofficial).
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(CompilerPath + "Languages\Unofficial\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\Unofficial\ChineseSimplified.isl"
#endif

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied to one entry; never change it.
AppId={{6C1F0E52-3E0B-4C55-9B1A-6D2A7E1E5C31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoDescription={#AppName} Setup
VersionInfoProductName={#AppName}
VersionInfoVersion={#AppVersion}
; Per user, no administrator rights, no UAC prompt.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
SetupIconFile=..\..\build\icons\evidence-recorder.ico
OutputDir=..\..\dist\installer
OutputBaseFilename=evidence-recorder-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
CloseApplications=yes
ShowLanguageDialog=auto

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#ifdef ChineseIsl
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
#endif

[CustomMessages]
english.ShortcutName=Evidence Recorder
english.CliShortcutName=Evidence Recorder (command line)
english.ShortcutComment=Record, measure and prove how an app makes it easy to upgrade and hard to leave
#ifdef ChineseIsl
chinesesimplified.ShortcutName=证据记录器
chinesesimplified.CliShortcutName=证据记录器（命令行）
chinesesimplified.ShortcutComment=记录、测量并证明应用如何让升级容易、退订困难
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: both programs and _internal\ (Qt, OCR models, fonts, samples).
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries instead of mixing two versions of them.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{cm:ShortcutName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:ShortcutComment}"
; The command line in a console that stays open, starting in the user's documents.
Name: "{autoprograms}\{cm:CliShortcutName}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --help"; WorkingDir: "{userdocs}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{cm:ShortcutName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:ShortcutComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{cm:ShortcutName}}"; Flags: nowait postinstall skipifsilent

; Cases, settings and logs live in the user's own folders and are never removed by the
; uninstaller: they may be evidence.
