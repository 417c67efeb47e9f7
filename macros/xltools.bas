Attribute VB_Name = "xltools"
' xltools: the 7 macros behind the ribbon tab (customUI14.xml); each runs a Python function of
' xltools.excel.buttons through the xlwings add-in (RunPython), which shows its own short message.
' Written by `python -m xltools.excel.ribbon_files` from xltools/excel/ribbon.py: edit the list there, not this file.
Option Explicit

' Ribbon callbacks (customUI14.xml onAction) take the pressed control.
Public Sub XltImportFileRibbon(control As IRibbonControl)
    XltImportFile
End Sub

Public Sub XltImportPastedRibbon(control As IRibbonControl)
    XltImportPasted
End Sub

Public Sub XltRecomputeRibbon(control As IRibbonControl)
    XltRecompute
End Sub

Public Sub XltFlagRibbon(control As IRibbonControl)
    XltFlag
End Sub

Public Sub XltClearFlagsRibbon(control As IRibbonControl)
    XltClearFlags
End Sub

Public Sub XltDraftRibbon(control As IRibbonControl)
    XltDraft
End Sub

Public Sub XltDoctorRibbon(control As IRibbonControl)
    XltDoctor
End Sub

' Import: pick the disclosure as a PDF, a Word file (.docx) or the text extracted from it.
Public Sub XltImportFile()
    Dim path As Variant
    path = Application.GetOpenFilename("Disclosure (*.pdf;*.docx;*.txt),*.pdf;*.docx;*.txt,PDF (*.pdf),*.pdf,Word (*.docx),*.docx,Text (*.txt),*.txt,All files (*.*),*.*", 1, "xltools")
    If VarType(path) = vbBoolean Then Exit Sub
    ' Windows file names cannot hold a double quote, so a raw string literal is safe.
    RunPython "import xltools.excel.buttons as b; b.import_file(r""" & path & """)"
End Sub

' Import pasted text: the lines pasted into the import sheet (the first press creates it).
Public Sub XltImportPasted()
    RunPython "import xltools.excel.buttons as b; b.import_pasted()"
End Sub

' Recompute: rebuild formulas after rows were added or removed, refresh the verdicts.
Public Sub XltRecompute()
    RunPython "import xltools.excel.buttons as b; b.recompute()"
End Sub

' Flag: colour and annotate the cells of every failed check, select the first.
Public Sub XltFlag()
    RunPython "import xltools.excel.buttons as b; b.flag()"
End Sub

' Clear flags: remove the colours and notes that Flag added.
Public Sub XltClearFlags()
    RunPython "import xltools.excel.buttons as b; b.clear_flags()"
End Sub

' Draft: write the drafted part three (the draft sheet's paragraphs, as Excel computed them) to a Word file.
Public Sub XltDraft()
    Dim path As Variant
    Dim initial As String
    ' The suggested name beside this workbook, spelled with ChrW because this module is ASCII.
    initial = ChrW(&H60C5) & ChrW(&H51B5) & ChrW(&H8BF4) & ChrW(&H660E) & ".docx"
    If Len(ActiveWorkbook.Path) > 0 Then initial = ActiveWorkbook.Path & Application.PathSeparator & initial
    path = Application.GetSaveAsFilename(initial, "Word (*.docx),*.docx", 1, "xltools")
    If VarType(path) = vbBoolean Then Exit Sub
    RunPython "import xltools.excel.buttons as b; b.draft(r""" & path & """)"
End Sub

' Check installation: the xltools doctor report in a dialog.
Public Sub XltDoctor()
    RunPython "import xltools.excel.buttons as b; b.doctor()"
End Sub
