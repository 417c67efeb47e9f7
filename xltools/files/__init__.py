"""Files the tool writes: temporary files, locks, and writing a user's file safely
(atomically, with a backup). Imports only the core."""
