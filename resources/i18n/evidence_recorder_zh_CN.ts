<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CrashDialog</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Evidence Recorder met an unexpected error. Your case is safe: everything saved before this moment is kept.</source>
        <translation>证据记录器遇到了意外错误。您的案件是安全的：此前保存的所有内容都会保留。</translation>
    </message>
    <message>
        <source>If you report this problem, please include the error details.</source>
        <translation>如果您要报告此问题，请附上错误详细信息。</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>显示详细信息</translation>
    </message>
    <message>
        <source>Error details</source>
        <translation>错误详细信息</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>Copy the error details to the clipboard</source>
        <translation>把错误详细信息复制到剪贴板</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>隐藏详细信息</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>EditsBar</name>
    <message>
        <source>Redact every keyframe of this recording</source>
        <translation>遮盖此录屏的每个关键帧</translation>
    </message>
    <message>
        <source>A keyframe shows what the frames around it show, so by default the same areas are removed from every keyframe of the recording. Untick to redact this keyframe only; the log says which was chosen.</source>
        <translation>一个关键帧显示的内容与其前后各帧相同，因此默认会从该录屏的每个关键帧中移除相同区域。取消勾选则只遮盖这一关键帧；日志会记录所作的选择。</translation>
    </message>
    <message>
        <source>Save edits…</source>
        <translation>保存编辑…</translation>
    </message>
    <message>
        <source>Make a redacted or annotated copy; the original never changes.</source>
        <translation>生成遮盖或标注后的副本；原件永远不会改变。</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>{count} unsaved edits ({redactions} redactions)</source>
        <translation>{count} 处未保存的编辑（其中 {redactions} 处涂抹遮盖）</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Capture viewer</source>
        <translation>截图查看器</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>No capture to show.
Choose one on the timeline, or take a screenshot.</source>
        <translation>没有可显示的截图。
请在时间线上选择一张，或新截一张图。</translation>
    </message>
    <message>
        <source>Viewer tools</source>
        <translation>查看器工具</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Pan (H): drag to move the image; click a mark to select it</source>
        <translation>平移（H）：拖动以移动图像；点击标记可选中</translation>
    </message>
    <message>
        <source>Mark control</source>
        <translation>标记控件</translation>
    </message>
    <message>
        <source>Mark control (M): drag a rectangle around a button or link</source>
        <translation>标记控件（M）：拖出矩形框住按钮或链接</translation>
    </message>
    <message>
        <source>Box</source>
        <translation>方框</translation>
    </message>
    <message>
        <source>Box (B): draw a red frame</source>
        <translation>方框（B）：画一个红色方框</translation>
    </message>
    <message>
        <source>Arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <source>Arrow (A): drag from the tail to the tip</source>
        <translation>箭头（A）：从箭尾拖到箭头</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <source>Text (T): click where the text goes</source>
        <translation>文字（T）：点击要放置文字的位置</translation>
    </message>
    <message>
        <source>Redact</source>
        <translation>涂抹遮盖</translation>
    </message>
    <message>
        <source>Redact (R): drag over personal details to black them out</source>
        <translation>涂抹遮盖（R）：拖过个人信息，将其涂黑</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+−)</source>
        <translation>缩小（Ctrl+−）</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation>放大（Ctrl++）</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <source>Fit to window (Ctrl+0)</source>
        <translation>适应窗口（Ctrl+0）</translation>
    </message>
    <message>
        <source>Actual size, 100% (Ctrl+1)</source>
        <translation>实际大小 100%（Ctrl+1）</translation>
    </message>
    <message>
        <source>Zoom level</source>
        <translation>缩放比例</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>Show the original capture (O toggles)</source>
        <translation>显示原始截图（按 O 切换）</translation>
    </message>
    <message>
        <source>Overlay</source>
        <translation>叠加图</translation>
    </message>
    <message>
        <source>Show the measurement overlay (O toggles)</source>
        <translation>显示测量叠加图（按 O 切换）</translation>
    </message>
    <message>
        <source>Toggle overlay</source>
        <translation>切换叠加图</translation>
    </message>
    <message>
        <source>This image could not be opened:
{path}</source>
        <translation>无法打开此图像：
{path}</translation>
    </message>
    <message>
        <source>{percent}%</source>
        <translation>{percent}%</translation>
    </message>
    <message>
        <source>Promoted</source>
        <translation>被推广的</translation>
    </message>
    <message>
        <source>Suppressed</source>
        <translation>被压制的</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>{label} ({role}), {width} × {height} px</source>
        <translation>{label}（{role}），{width} × {height} 像素</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>&amp;Case</source>
        <translation>案件(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New case…</source>
        <translation>新建案件(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open case folder…</source>
        <translation>打开案件文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Open the &amp;demo case</source>
        <translation>打开演示案件(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Import screenshots or recordings…</source>
        <translation>导入截图或录屏(&amp;I)…</translation>
    </message>
    <message>
        <source>Build &amp;report and bundle…</source>
        <translation>生成报告和证据包(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Verify case</source>
        <translation>校验案件(&amp;V)</translation>
    </message>
    <message>
        <source>Get a trusted &amp;timestamp…</source>
        <translation>获取可信时间戳(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Close case</source>
        <translation>关闭案件(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Record</source>
        <translation>记录(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Capture now</source>
        <translation>立即截图(&amp;C)</translation>
    </message>
    <message>
        <source>Write a &amp;note</source>
        <translation>写备注(&amp;N)</translation>
    </message>
    <message>
        <source>Show the &amp;floating record bar</source>
        <translation>显示浮动记录栏(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Global &amp;hotkeys on this computer…</source>
        <translation>本机的全局快捷键(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;About Evidence Recorder</source>
        <translation>关于证据记录器(&amp;A)</translation>
    </message>
    <message>
        <source>Evidence Recorder</source>
        <translation>证据记录器</translation>
    </message>
</context>
<context>
    <name>MarkDialog</name>
    <message>
        <source>Mark control</source>
        <translation>标记控件</translation>
    </message>
    <message>
        <source>&amp;Promoted</source>
        <translation>被推广的(&amp;P)</translation>
    </message>
    <message>
        <source>The option the company pushes (Upgrade, Keep my plan)</source>
        <translation>商家力推的选项（如“升级”“保留当前套餐”）</translation>
    </message>
    <message>
        <source>&amp;Suppressed</source>
        <translation>被压制的(&amp;S)</translation>
    </message>
    <message>
        <source>The option it hides or discourages (Downgrade, Cancel)</source>
        <translation>商家隐藏或劝阻的选项（如“降级”“取消”）</translation>
    </message>
    <message>
        <source>O&amp;ther</source>
        <translation>其他(&amp;T)</translation>
    </message>
    <message>
        <source>Anything else worth measuring (a banner, a notice)</source>
        <translation>其他值得测量的元素（如横幅、通知）</translation>
    </message>
    <message>
        <source>What is this control?</source>
        <translation>这是什么控件？</translation>
    </message>
    <message>
        <source>&amp;Label (the words on the control):</source>
        <translation>名称（控件上的文字）(&amp;L)：</translation>
    </message>
    <message>
        <source>e.g. Cancel subscription</source>
        <translation>例如：取消订阅</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>The text on the control; leave empty to have one chosen for you</source>
        <translation>控件上的文字；留空则自动命名</translation>
    </message>
</context>
<context>
    <name>MeasurementPanel</name>
    <message>
        <source>Measurements</source>
        <translation>测量结果</translation>
    </message>
    <message>
        <source>&amp;Find controls</source>
        <translation>查找控件(&amp;F)</translation>
    </message>
    <message>
        <source>Look for the promoted and suppressed controls automatically</source>
        <translation>自动查找被推广和被压制的控件</translation>
    </message>
    <message>
        <source>&amp;Measure</source>
        <translation>测量(&amp;M)</translation>
    </message>
    <message>
        <source>Measure size, contrast and visual weight of the marked controls</source>
        <translation>测量已标记控件的尺寸、对比度和视觉权重</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>正在处理</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running task</source>
        <translation>停止正在运行的任务</translation>
    </message>
    <message>
        <source>Control</source>
        <translation>控件</translation>
    </message>
    <message>
        <source>The label of the control</source>
        <translation>控件的名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Promoted, suppressed or other</source>
        <translation>被推广的、被压制的或其他</translation>
    </message>
    <message>
        <source>Area
(CSS px²)</source>
        <translation>面积
（CSS 像素²）</translation>
    </message>
    <message>
        <source>Area in CSS pixels: physical pixels divided by the display scale</source>
        <translation>以 CSS 像素计的面积：物理像素除以显示缩放比例</translation>
    </message>
    <message>
        <source>Text
contrast</source>
        <translation>文字
对比度</translation>
    </message>
    <message>
        <source>Contrast of the label text against the control (WCAG ratio)</source>
        <translation>控件文字与控件底色的对比度（WCAG 比值）</translation>
    </message>
    <message>
        <source>Surface
contrast</source>
        <translation>底色
对比度</translation>
    </message>
    <message>
        <source>Contrast of the control's surface against the page behind it</source>
        <translation>控件底色与其后页面的对比度</translation>
    </message>
    <message>
        <source>Visual
weight</source>
        <translation>视觉
权重</translation>
    </message>
    <message>
        <source>Lightness difference from the background, summed over the area</source>
        <translation>与背景的明度差在整个面积上的总和</translation>
    </message>
    <message>
        <source>Text
colour</source>
        <translation>文字
颜色</translation>
    </message>
    <message>
        <source>Colour of the label text</source>
        <translation>控件文字的颜色</translation>
    </message>
    <message>
        <source>Fill</source>
        <translation>填充色</translation>
    </message>
    <message>
        <source>Colour of the control's surface</source>
        <translation>控件底色</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景色</translation>
    </message>
    <message>
        <source>Colour of the page around the control</source>
        <translation>控件周围页面的颜色</translation>
    </message>
    <message>
        <source>Measured controls</source>
        <translation>已测量的控件</translation>
    </message>
    <message>
        <source>Comparisons and caveats</source>
        <translation>对比与注意事项</translation>
    </message>
    <message>
        <source>Promoted</source>
        <translation>被推广的</translation>
    </message>
    <message>
        <source>Suppressed</source>
        <translation>被压制的</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Nothing measured yet. Mark the promoted and the suppressed control on the image (or press Find controls), then press Measure.</source>
        <translation>尚未测量。请在图像上标记被推广和被压制的控件（或点击“查找控件”），然后点击“测量”。</translation>
    </message>
    <message>
        <source>Asymmetric</source>
        <translation>不对称</translation>
    </message>
    <message>
        <source>Not asymmetric</source>
        <translation>未见不对称</translation>
    </message>
    <message>
        <source>{promoted} against {suppressed}</source>
        <translation>“{promoted}”对比“{suppressed}”</translation>
    </message>
    <message>
        <source>Area ratio {ratio} (range {low}–{high}); visual weight ratio {weight}</source>
        <translation>面积比 {ratio}（范围 {low}–{high}）；视觉权重比 {weight}</translation>
    </message>
    <message>
        <source>Caveats</source>
        <translation>注意事项</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <source>For example: Downgrading my mobile plan</source>
        <translation>例如：降级我的手机套餐</translation>
    </message>
    <message>
        <source>A short name for the complaint. Required.</source>
        <translation>投诉的简短名称。必填。</translation>
    </message>
    <message>
        <source>Case title</source>
        <translation>案件标题</translation>
    </message>
    <message>
        <source>The app, service or company</source>
        <translation>应用、服务或公司</translation>
    </message>
    <message>
        <source>Service or company</source>
        <translation>服务或公司</translation>
    </message>
    <message>
        <source>Complainant</source>
        <translation>投诉人</translation>
    </message>
    <message>
        <source>Your name, or the name of the person you help.</source>
        <translation>您的姓名，或您所帮助的人的姓名。</translation>
    </message>
    <message>
        <source>For example: Show that downgrading from 59 to 8 yuan is harder than upgrading</source>
        <translation>例如：证明从 59 元降到 8 元比升级难得多</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Case folder</source>
        <translation>案件文件夹</translation>
    </message>
    <message>
        <source>A new folder: it must be empty or not exist yet.</source>
        <translation>新文件夹：必须为空或尚不存在。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose the folder in which the case folder is made</source>
        <translation>选择在哪个文件夹中创建案件文件夹</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>标题(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Service or company:</source>
        <translation>服务或公司(&amp;S)：</translation>
    </message>
    <message>
        <source>Optional. This name appears in the report.</source>
        <translation>选填。此姓名会出现在报告中。</translation>
    </message>
    <message>
        <source>&amp;Complainant:</source>
        <translation>投诉人(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Purpose:</source>
        <translation>目的(&amp;P)：</translation>
    </message>
    <message>
        <source>Screenshots, notes and reports of this case are kept here.</source>
        <translation>本案件的截图、备注和报告都保存在这里。</translation>
    </message>
    <message>
        <source>Case &amp;folder:</source>
        <translation>案件文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>Create case</source>
        <translation>创建案件</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Where to keep the case folder</source>
        <translation>案件文件夹存放位置</translation>
    </message>
</context>
<context>
    <name>RecordBar</name>
    <message>
        <source>&amp;Journey:</source>
        <translation>流程(&amp;J)：</translation>
    </message>
    <message>
        <source>Journey: what you are trying to do; type a new name and press Enter</source>
        <translation>流程：你正在尝试做的事；输入新名称后按回车</translation>
    </message>
    <message>
        <source>Journey</source>
        <translation>流程</translation>
    </message>
    <message>
        <source>What to capture</source>
        <translation>截取范围</translation>
    </message>
    <message>
        <source>Capture target</source>
        <translation>截图对象</translation>
    </message>
    <message>
        <source>The window to capture</source>
        <translation>要截取的窗口</translation>
    </message>
    <message>
        <source>Window to capture</source>
        <translation>要截取的窗口</translation>
    </message>
    <message>
        <source>Choose a window</source>
        <translation>选择窗口</translation>
    </message>
    <message>
        <source>Delay </source>
        <translation>延时 </translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Seconds to wait after you click Capture, to open a menu first</source>
        <translation>点击“截图”后等待的秒数，便于先打开菜单</translation>
    </message>
    <message>
        <source>Capture delay in seconds</source>
        <translation>截图延时（秒）</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>每隔</translation>
    </message>
    <message>
        <source>Capture again and again at this period</source>
        <translation>按此间隔反复截图</translation>
    </message>
    <message>
        <source>Interval capture</source>
        <translation>定时截图</translation>
    </message>
    <message>
        <source>Seconds between interval captures</source>
        <translation>两次定时截图之间的秒数</translation>
    </message>
    <message>
        <source>Interval in seconds</source>
        <translation>间隔（秒）</translation>
    </message>
    <message>
        <source>Type a note and press Enter</source>
        <translation>输入备注后按回车</translation>
    </message>
    <message>
        <source>Enter saves the note; Shift+Enter saves it as a dead end</source>
        <translation>回车保存备注；Shift+回车保存为“走不通”</translation>
    </message>
    <message>
        <source>Quick note</source>
        <translation>快速备注</translation>
    </message>
    <message>
        <source>Dead end</source>
        <translation>走不通</translation>
    </message>
    <message>
        <source>Mark the next note as a dead end: this path led nowhere</source>
        <translation>把下一条备注标为“走不通”：此路不通</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>The last capture is being written to the case</source>
        <translation>上一张截图正在写入案件</translation>
    </message>
    <message>
        <source>Upgrade</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>Downgrade</source>
        <translation>降级</translation>
    </message>
    <message>
        <source>Screen (all monitors)</source>
        <translation>整个屏幕（所有显示器）</translation>
    </message>
    <message>
        <source>Monitor {n}: {name}</source>
        <translation>显示器 {n}：{name}</translation>
    </message>
    <message>
        <source>Monitor {n}</source>
        <translation>显示器 {n}</translation>
    </message>
    <message>
        <source>Window…</source>
        <translation>窗口…</translation>
    </message>
    <message>
        <source>Region…</source>
        <translation>区域…</translation>
    </message>
    <message>
        <source>{n}… Cancel</source>
        <translation>{n}… 取消</translation>
    </message>
    <message>
        <source>Capturing in {n} s; click to cancel</source>
        <translation>{n} 秒后截图；点击取消</translation>
    </message>
    <message>
        <source>Cancel the delayed capture</source>
        <translation>取消延时截图</translation>
    </message>
    <message>
        <source>Capture</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Take a screenshot now ({shortcut})</source>
        <translation>立即截图（{shortcut}）</translation>
    </message>
    <message>
        <source>Take a screenshot now</source>
        <translation>立即截图</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume interval and hotkey captures</source>
        <translation>恢复定时截图和快捷键截图</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause interval and hotkey captures</source>
        <translation>暂停定时截图和快捷键截图</translation>
    </message>
    <message>
        <source>No captures yet</source>
        <translation>尚无截图</translation>
    </message>
    <message>
        <source>Last: {time} · 1 capture</source>
        <translation>最近：{time} · 共 1 张</translation>
    </message>
    <message>
        <source>Last: {time} · {n} captures</source>
        <translation>最近：{time} · 共 {n} 张</translation>
    </message>
    <message>
        <source>Warning about the last capture</source>
        <translation>上一张截图的警告</translation>
    </message>
    <message>
        <source>Open or create a case to record</source>
        <translation>请先打开或新建案件再记录</translation>
    </message>
</context>
<context>
    <name>RecordBarWindow</name>
    <message>
        <source>Evidence Recorder: record</source>
        <translation>证据记录器：记录</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Keep this bar above other windows</source>
        <translation>让此工具条始终位于其他窗口之上</translation>
    </message>
    <message>
        <source>Keep on top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Main window</source>
        <translation>主窗口</translation>
    </message>
    <message>
        <source>Show the main window</source>
        <translation>显示主窗口</translation>
    </message>
</context>
<context>
    <name>RegionSelector</name>
    <message>
        <source>Region selection</source>
        <translation>选择区域</translation>
    </message>
    <message>
        <source>Drag to choose the region · Esc to cancel</source>
        <translation>拖动以选择区域 · 按 Esc 取消</translation>
    </message>
    <message>
        <source>{width} × {height} px</source>
        <translation>{width} × {height} 像素</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Build report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <source>Report language</source>
        <translation>报告语言</translation>
    </message>
    <message>
        <source>Exhibit prefix</source>
        <translation>证据编号前缀</translation>
    </message>
    <message>
        <source>Exhibits are numbered with it: A-1, A-2, …</source>
        <translation>证据按此编号：A-1、A-2……</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Bates start number</source>
        <translation>贝茨起始编号</translation>
    </message>
    <message>
        <source>Stamp every page with a running number from this one. 0 means no numbers.</source>
        <translation>从此号码起给每一页加上连续编号。0 表示不编号。</translation>
    </message>
    <message>
        <source>Journeys to include</source>
        <translation>要包含的流程</translation>
    </message>
    <message>
        <source>This case has no journeys: the whole case goes into the report.</source>
        <translation>本案件没有划分流程：整个案件都会写入报告。</translation>
    </message>
    <message>
        <source>PDF file</source>
        <translation>PDF 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose where to save the PDF</source>
        <translation>选择 PDF 的保存位置</translation>
    </message>
    <message>
        <source>Also export the evidence bundle (.zip)</source>
        <translation>同时导出证据包（.zip）</translation>
    </message>
    <message>
        <source>A .zip with the original files and the log, which others can verify.</source>
        <translation>包含原始文件和日志的 .zip 文件，他人可以据此校验。</translation>
    </message>
    <message>
        <source>Bundle file</source>
        <translation>证据包文件</translation>
    </message>
    <message>
        <source>Choose where to save the bundle</source>
        <translation>选择证据包的保存位置</translation>
    </message>
    <message>
        <source>Open the PDF when done</source>
        <translation>完成后打开 PDF</translation>
    </message>
    <message>
        <source>What goes in</source>
        <translation>报告内容</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>&amp;Journeys:</source>
        <translation>流程(&amp;J)：</translation>
    </message>
    <message>
        <source>Numbering</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>&amp;Exhibit prefix:</source>
        <translation>证据编号前缀(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Bates numbers from:</source>
        <translation>贝茨编号起始(&amp;B)：</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>&amp;PDF file:</source>
        <translation>PDF 文件(&amp;P)：</translation>
    </message>
    <message>
        <source>Bundle &amp;file:</source>
        <translation>证据包文件(&amp;F)：</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop building; nothing in the case changes</source>
        <translation>停止生成；案件内容不会改变</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>{stage} ({done} of {total})</source>
        <translation>{stage}（{done}/{total}）</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Tick at least one journey.</source>
        <translation>请至少勾选一个流程。</translation>
    </message>
    <message>
        <source>Give an exhibit prefix, for example A.</source>
        <translation>请填写证据编号前缀，例如 A。</translation>
    </message>
    <message>
        <source>Choose where to save the PDF.</source>
        <translation>请选择 PDF 的保存位置。</translation>
    </message>
    <message>
        <source>Choose where to save the bundle, or untick it.</source>
        <translation>请选择证据包的保存位置，或取消勾选。</translation>
    </message>
    <message>
        <source>Save the report as</source>
        <translation>报告另存为</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Save the evidence bundle as</source>
        <translation>证据包另存为</translation>
    </message>
    <message>
        <source>Zip files (*.zip)</source>
        <translation>Zip 文件 (*.zip)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Whole screen (all monitors)</source>
        <translation>整个屏幕（所有显示器）</translation>
    </message>
    <message>
        <source>One monitor</source>
        <translation>单个显示器</translation>
    </message>
    <message>
        <source>One window</source>
        <translation>单个窗口</translation>
    </message>
    <message>
        <source>A region of the screen</source>
        <translation>屏幕上的一个区域</translation>
    </message>
    <message>
        <source>What to capture</source>
        <translation>截图范围</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Interval in seconds</source>
        <translation>间隔秒数</translation>
    </message>
    <message>
        <source>Time between captures when capturing at an interval</source>
        <translation>定时截图时两次截图之间的时间</translation>
    </message>
    <message>
        <source>Delay in seconds</source>
        <translation>延迟秒数</translation>
    </message>
    <message>
        <source>Wait this long before a capture, to open a menu first</source>
        <translation>截图前先等待这么久，以便先打开菜单</translation>
    </message>
    <message>
        <source>Change threshold in percent of pixels</source>
        <translation>变化阈值（像素百分比）</translation>
    </message>
    <message>
        <source>&amp;Capture:</source>
        <translation>截图范围(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Interval:</source>
        <translation>间隔(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Delay:</source>
        <translation>延迟(&amp;D)：</translation>
    </message>
    <message>
        <source>C&amp;hange threshold:</source>
        <translation>变化阈值(&amp;H)：</translation>
    </message>
    <message>
        <source>At an interval, a new screenshot is kept only when at least this share of the pixels has changed.</source>
        <translation>定时截图时，只有至少这一比例的像素发生变化，才会保存新截图。</translation>
    </message>
    <message>
        <source>Capture</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Take a &amp;screenshot:</source>
        <translation>截图(&amp;S)：</translation>
    </message>
    <message>
        <source>Hotkey: take a screenshot</source>
        <translation>快捷键：截图</translation>
    </message>
    <message>
        <source>Add a &amp;note:</source>
        <translation>添加备注(&amp;N)：</translation>
    </message>
    <message>
        <source>Hotkey: add a note</source>
        <translation>快捷键：添加备注</translation>
    </message>
    <message>
        <source>&amp;Pause or resume:</source>
        <translation>暂停或继续(&amp;P)：</translation>
    </message>
    <message>
        <source>Hotkey: pause or resume</source>
        <translation>快捷键：暂停或继续</translation>
    </message>
    <message>
        <source>Click, then press the keys. Clear it to use no hotkey.</source>
        <translation>点击后按下按键。清空则不使用快捷键。</translation>
    </message>
    <message>
        <source>Hotkeys work while another app is in front, so you need not switch.</source>
        <translation>即使其他应用在前台，快捷键也有效，无需切换窗口。</translation>
    </message>
    <message>
        <source>Hotkeys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Area ratio threshold</source>
        <translation>面积比阈值</translation>
    </message>
    <message>
        <source>Visual weight ratio threshold</source>
        <translation>视觉权重比阈值</translation>
    </message>
    <message>
        <source>&amp;Area ratio:</source>
        <translation>面积比(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Visual weight ratio:</source>
        <translation>视觉权重比(&amp;V)：</translation>
    </message>
    <message>
        <source>A promoted control counts as favoured over a suppressed one when its area or its visual weight is at least this many times larger.</source>
        <translation>当被推广的控件的面积或视觉权重至少是被压制控件的这么多倍时，即视为受到偏重。</translation>
    </message>
    <message>
        <source>Measurement</source>
        <translation>测量</translation>
    </message>
    <message>
        <source>Timestamp authority address</source>
        <translation>时间戳服务器地址</translation>
    </message>
    <message>
        <source>A timestamp authority (RFC 3161) signs a hash of the case log together with the time, which proves the evidence existed then. Leave the address empty to use none.</source>
        <translation>时间戳服务机构（RFC 3161）会把案件日志的哈希值连同时间一起签名，以证明证据在当时已经存在。地址留空则不使用。</translation>
    </message>
    <message>
        <source>⚠ A timestamp request sends only a hash to this server: never your screenshots, notes or case details.</source>
        <translation>⚠ 申请时间戳时只向该服务器发送一个哈希值，绝不会发送您的截图、备注或案件信息。</translation>
    </message>
    <message>
        <source>&amp;Timestamp at the end of every recording session</source>
        <translation>每次录制结束时获取时间戳(&amp;T)</translation>
    </message>
    <message>
        <source>When an interval capture stops and when the case is closed, ask the authority above to sign the last log hash.</source>
        <translation>在定时截图停止时和关闭案件时，请上面的时间戳服务对最后一行日志的哈希签名。</translation>
    </message>
    <message>
        <source>Trusted root certificates</source>
        <translation>信任的根证书</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Add the root certificate file of a timestamp authority</source>
        <translation>添加时间戳服务的根证书文件</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Stop trusting the selected root certificate</source>
        <translation>不再信任所选的根证书</translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation>服务器地址(&amp;S)：</translation>
    </message>
    <message>
        <source>Offered once an authority is set. Off by default; a failed request is shown and loses nothing.</source>
        <translation>设置了时间戳服务后才可选择。默认关闭；请求失败时会显示原因，不会丢失任何内容。</translation>
    </message>
    <message>
        <source>T&amp;rusted roots:</source>
        <translation>信任的根证书(&amp;R)：</translation>
    </message>
    <message>
        <source>A timestamp is called trusted only when the authority's certificate chains to one of the system's root certificates or to one of these files (PEM or DER).</source>
        <translation>只有当时间戳服务的证书能链接到系统的某个根证书或这里列出的某个文件（PEM 或 DER）时，时间戳才被称为可信。</translation>
    </message>
    <message>
        <source>Trusted time</source>
        <translation>可信时间</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The default folder</source>
        <translation>默认文件夹</translation>
    </message>
    <message>
        <source>Folder for new cases</source>
        <translation>新案件的文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose the folder for new cases</source>
        <translation>选择新案件的文件夹</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>A new language is used after Evidence Recorder restarts.</source>
        <translation>新语言将在证据记录器重新启动后生效。</translation>
    </message>
    <message>
        <source>&amp;Folder for new cases:</source>
        <translation>新案件的文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>恢复默认设置</translation>
    </message>
    <message>
        <source>Put every setting back to its default</source>
        <translation>把所有设置恢复为默认值</translation>
    </message>
    <message>
        <source>The interval must be at least 0.5 seconds.</source>
        <translation>间隔不能少于 0.5 秒。</translation>
    </message>
    <message>
        <source>{keys} is used for two actions. Give each its own keys.</source>
        <translation>{keys} 被用于两个操作。请为每个操作设置不同的按键。</translation>
    </message>
    <message>
        <source>The address must start with https:// or http://.</source>
        <translation>地址必须以 https:// 或 http:// 开头。</translation>
    </message>
    <message>
        <source>{tab}: {message}</source>
        <translation>{tab}：{message}</translation>
    </message>
    <message>
        <source>Root certificate of a timestamp authority</source>
        <translation>时间戳服务的根证书</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer *.der);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer *.der);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Evidence Recorder</source>
        <translation>证据记录器</translation>
    </message>
    <message>
        <source>Record timestamped screenshots and notes while you try to upgrade, downgrade or cancel in an app, measure how its buttons differ, and build a PDF exhibit that others can check.</source>
        <translation>在应用里尝试升级、降级或取消时，记录带时间戳的截图和备注，测量按钮之间的差别，并生成他人可以核验的 PDF 证据材料。</translation>
    </message>
    <message>
        <source>Everything stays on this computer unless you export it.</source>
        <translation>除非您自己导出，所有内容都只保存在这台电脑上。</translation>
    </message>
    <message>
        <source>New case…</source>
        <translation>新建案件…</translation>
    </message>
    <message>
        <source>Start recording evidence for a new complaint</source>
        <translation>为一项新的投诉开始记录证据</translation>
    </message>
    <message>
        <source>Open case folder…</source>
        <translation>打开案件文件夹…</translation>
    </message>
    <message>
        <source>Open a case folder that is not in the list</source>
        <translation>打开不在列表中的案件文件夹</translation>
    </message>
    <message>
        <source>Try the demo case</source>
        <translation>试用示例案件</translation>
    </message>
    <message>
        <source>Open a sample case with screenshots, to see how everything works</source>
        <translation>打开一个带截图的示例案件，了解各项功能如何使用</translation>
    </message>
    <message>
        <source>&amp;Recent cases</source>
        <translation>最近的案件(&amp;R)</translation>
    </message>
    <message>
        <source>Recent cases</source>
        <translation>最近的案件</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Last opened</source>
        <translation>上次打开</translation>
    </message>
    <message>
        <source>Captures</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>No cases yet. Start a new case, or try the demo case to look around.</source>
        <translation>还没有案件。新建一个案件，或先试用示例案件看看。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open the selected case</source>
        <translation>打开选中的案件</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <source>Take the selected case off this list; its folder is not touched</source>
        <translation>把选中的案件从列表中移除；其文件夹不受影响</translation>
    </message>
    <message>
        <source>1 capture</source>
        <translation>1 张截图</translation>
    </message>
    <message>
        <source>{n} captures</source>
        <translation>{n} 张截图</translation>
    </message>
    <message>
        <source>Folder not found: {path}</source>
        <translation>找不到文件夹：{path}</translation>
    </message>
    <message>
        <source>The folder was not found. It may have been moved or renamed, or be on a drive that is not connected.</source>
        <translation>找不到该文件夹。它可能已被移动或改名，或位于未连接的磁盘上。</translation>
    </message>
</context>
<context>
    <name>TimelineDelegate</name>
    <message>
        <source>Capture</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Keyframe</source>
        <translation>关键帧</translation>
    </message>
    <message>
        <source>Video summary</source>
        <translation>视频摘要</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Journey switch</source>
        <translation>切换流程</translation>
    </message>
    <message>
        <source>Marked control</source>
        <translation>标记控件</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Report/Export</source>
        <translation>报告/导出</translation>
    </message>
    <message>
        <source>Unchanged screen</source>
        <translation>画面未变</translation>
    </message>
    <message>
        <source>Failed capture</source>
        <translation>截图失败</translation>
    </message>
    <message>
        <source>Skipped capture</source>
        <translation>跳过的截图</translation>
    </message>
    <message>
        <source>Withdrawal</source>
        <translation>撤回</translation>
    </message>
    <message>
        <source>Redaction</source>
        <translation>涂抹遮盖</translation>
    </message>
    <message>
        <source>Annotation</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Timestamp</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <source>Case opened</source>
        <translation>打开案件</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>运行环境</translation>
    </message>
    <message>
        <source>Recovered import</source>
        <translation>已恢复的导入</translation>
    </message>
    <message>
        <source>Discarded staging</source>
        <translation>已丢弃的暂存</translation>
    </message>
    <message>
        <source>Refused staging</source>
        <translation>已拒收的暂存</translation>
    </message>
    <message>
        <source>Log repaired</source>
        <translation>日志已修复</translation>
    </message>
    <message>
        <source>On #{seq}: {text}</source>
        <translation>关于 #{seq}：{text}</translation>
    </message>
    <message>
        <source>Suspect: {reason}</source>
        <translation>疑似有误：{reason}</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>measured</source>
        <translation>已测量</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>No captures yet. Press Capture or F9 to take the first screenshot.</source>
        <translation>还没有截图。按“截图”或 F9 截取第一张。</translation>
    </message>
    <message>
        <source>No events match the filter.</source>
        <translation>没有符合筛选条件的事件。</translation>
    </message>
    <message>
        <source>{shown} of {total}</source>
        <translation>{shown} / {total}</translation>
    </message>
    <message>
        <source>All journeys</source>
        <translation>全部流程</translation>
    </message>
    <message>
        <source>Show the events of one journey only</source>
        <translation>只显示一个流程的事件</translation>
    </message>
    <message>
        <source>Journey filter</source>
        <translation>流程筛选</translation>
    </message>
    <message>
        <source>Search notes and descriptions ({shortcut})</source>
        <translation>搜索备注和说明（{shortcut}）</translation>
    </message>
    <message>
        <source>Show only events whose text contains these words</source>
        <translation>只显示文字中包含这些词的事件</translation>
    </message>
    <message>
        <source>Search the timeline</source>
        <translation>搜索时间线</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Events shown by the filters, of all events</source>
        <translation>筛选后显示的事件数 / 全部事件数</translation>
    </message>
</context>
<context>
    <name>TrayMenu</name>
    <message>
        <source>Capture now</source>
        <translation>立即截图</translation>
    </message>
    <message>
        <source>Write a note…</source>
        <translation>写备注…</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Show Evidence Recorder</source>
        <translation>显示证据记录器</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>Verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <source>Checking every file and log line…</source>
        <translation>正在检查每个文件和每行日志…</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>&amp;Problems:</source>
        <translation>问题(&amp;P)：</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详情</translation>
    </message>
    <message>
        <source>Copy the result and every problem to the clipboard</source>
        <translation>把结果和所有问题复制到剪贴板</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>✔ Everything verifies: no file or log line has changed since it was recorded.</source>
        <translation>✔ 全部校验通过：自记录以来，没有任何文件或日志行被改动。</translation>
    </message>
    <message>
        <source>✖ 1 problem found</source>
        <translation>✖ 发现 1 个问题</translation>
    </message>
    <message>
        <source>✖ {n} problems found</source>
        <translation>✖ 发现 {n} 个问题</translation>
    </message>
    <message>
        <source>✖ The case does not verify</source>
        <translation>✖ 案件未通过校验</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
</TS>