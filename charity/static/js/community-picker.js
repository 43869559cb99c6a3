// The sign-up forms: the home community select offers only the communities of the chosen
// street (the server checks the pair as well). Without script every street's are offered,
// grouped by street.
(function () {
  "use strict";
  var street = document.getElementById("home_street");
  var community = document.getElementById("home_community");
  if (!street || !community) { return; }
  function limit() {
    var chosen = street.options[street.selectedIndex];
    var name = chosen && chosen.value !== "0" ? chosen.text : "";
    Array.prototype.forEach.call(community.querySelectorAll("optgroup"), function (group) {
      var shown = group.label === "" || group.label === name;
      group.hidden = !shown;
      group.disabled = !shown;
    });
    var selected = community.options[community.selectedIndex];
    if (selected && selected.parentNode.disabled) { community.value = "0"; }
  }
  street.addEventListener("change", limit);
  limit();
}());
