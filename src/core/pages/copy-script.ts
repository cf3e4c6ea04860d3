// The account page's one script: it shows the "Copy" button beside the private feed address and copies
// the address when pressed. Without scripts the button stays hidden, and the address is in a text box to
// select, with a podcast:// link beside it. Kept in this one constant so the CSP allows it by its hash.

export const COPY_FEED_SCRIPT =
  "(function(){var b=document.querySelectorAll('button[data-copy]');for(var i=0;i<b.length;i++)(function(n){var f=document.getElementById(n.getAttribute('data-copy'));" +
  "if(!f||!navigator.clipboard)return;n.hidden=false;n.addEventListener('click',function(){navigator.clipboard.writeText(f.value).then(function(){n.textContent='Copied'})})})(b[i])})();";
