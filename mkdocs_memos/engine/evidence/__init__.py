"""What the runs prove: verdicts on the memo's claims (`claims`), and outputs compared across releases
(`releases`)."""
