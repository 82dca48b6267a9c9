/**
 * How long an object URL outlives its click. Browsers start the download
 * asynchronously, and some (Firefox, older Safari) fail it when the URL is
 * revoked at once; the Blob is only memory, so a short grace is cheap. The
 * timer also runs after the component is gone, which is what a download
 * started just before closing the dialog needs.
 */
const REVOKE_AFTER_MS = 10_000

/** Saves text as a file the browser downloads, through a temporary `<a download>`. */
export function useFileDownload() {
  function download(fileName: string, text: string, type: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }))
    const link = document.createElement('a')
    link.href = url
    link.download = fileName
    link.hidden = true
    // Firefox only follows a click on a link that is in the document.
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
  }

  return { download }
}
