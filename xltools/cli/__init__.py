"""The command line (`xltools`): check, import, recalc, audit, draft, doctor, template."""
