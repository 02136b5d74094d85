"""What a reader sees, as Markdown and HTML: a snippet's source, output and claims (`render`), a page's notebook
(`notebook`) and the styles its page needs (`stylesheet`), and the releases' history (`history`)."""
