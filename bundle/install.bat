@echo off
rem xltools offline install: find a supported Python, run install.py, keep the window open.
rem ASCII only: cmd reads a .bat in the console's code page; install.py prints the Chinese.
setlocal
cd /d "%~dp0"
set "PY="
for %%v in (3.12 3.11 3.10 3.13) do (
    if not defined PY (
        py -%%v -c "import sys" >nul 2>nul && set "PY=py -%%v"
    )
)
if not defined PY (
    python -c "import sys" >nul 2>nul && set "PY=python"
)
if not defined PY (
    for %%v in (312 311 310 313) do (
        if not defined PY if exist "%LOCALAPPDATA%\Programs\Python\Python%%v\python.exe" set "PY="%LOCALAPPDATA%\Programs\Python\Python%%v\python.exe""
    )
)
if not defined PY goto nopython
echo Python: %PY%
%PY% "%~dp0install.py" %*
set "RC=%ERRORLEVEL%"
echo.
echo install-log.txt: %~dp0install-log.txt
pause
exit /b %RC%

:nopython
echo Python 3.10-3.13 (64-bit) was not found on this PC.
for %%f in ("%~dp0python\python-*.exe") do (
    echo Installing %%~nxf for this user, with "Add python.exe to PATH" ...
    "%%f" /passive InstallAllUsers=0 PrependPath=1 Include_test=0
    echo Done. Close this window and double-click install.bat again.
    pause
    exit /b 1
)
echo Install Python 3.12 (64-bit) from python.org, tick "Add python.exe to PATH",
echo then double-click install.bat again. See README.txt.
pause
exit /b 1
