// The referral sheet's print button (no inline scripts under the page's CSP).
document.getElementById('print')?.addEventListener('click', () => window.print());
