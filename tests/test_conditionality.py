"""CONDITIONALITY and TWO_PATH: hand-written sentences that must and must not fire."""

import pytest

import rhetoric

# These test the hand-set rules: score with them (the default engine is the trained one).
pytestmark = pytest.mark.usefixtures("rules_engine")

MUST_FIRE = [
    "If Russia invades, the response will be swift and severe.",
    "Should Moscow choose escalation, it will face severe costs.",
    "Unless Russia withdraws its troops, sanctions will remain in place.",
    "In the event that Putin decides to move west, NATO will defend every inch.",
    "Any move across the border will be met with a united response.",
    "The choice is theirs.",
    "It is Putin's choice.",
    "Any further escalation by Russia will be met with severe costs.",
    "Whether sanctions are lifted depends on whether Moscow complies with the agreement.",
    "If our partners ask for help, we will give it.",
    "As long as Russia continues its aggression, the pressure will only grow.",
    "If China provides material support to Russia, it will face consequences.",
    "If instead Russia chooses to walk away from diplomacy and attack Ukraine, it will face swift and severe consequences.",
    "Once Russian forces withdraw, we will be ready to ease the restrictions.",
    "If they refuse to negotiate, we will respond.",
    "Moscow can choose diplomacy, or it can choose confrontation and its consequences.",
    "Russia faces a choice between the path of dialogue and the path of escalation.",
    "The sanctions will stay until Russia withdraws its forces.",
    "If the aggressor attacks again, our army will strike back.",
    "Should they cross that line, there will be consequences.",
    "If any of their forces cross that line, the response will be swift, severe and shared by all of us.",
    "The nature of our response will depend on the actions Russia takes.",
    "We are ready to impose severe consequences should Russia choose war.",
    "They will reach consensus on an entry process should they decide to apply.",
    "In the event that our neighbour decides to attack, we will respond.",
    # a request is an actor's choice, in the passive too (codebook: "if our partners ask")
    "If help is requested by our allies, we will provide it at once.",
    # an imperative put to the target is the antecedent
    "Give us the weapons, and then we will finish the job ourselves.",
    # the other path in the previous sentence: a condition, without two_path (codebook)
    "Otherwise there will be destabilization all over the world.",
    # the response named as a purpose, the condition after it
    "Our forces are going to Europe to defend our allies in the event that Putin decides to keep moving west.",
    "We continue to prepare severe economic measures to impose on Russia if it further invades Ukraine.",
]

MUST_NOT_FIRE = [
    # logic and time
    "If you look at the map, you see how close the troops are.",
    "If I may add one point, the talks were productive.",
    "If necessary, we will hold another meeting.",
    "If the economy slows, prices will fall.",
    # counterfactual history
    "If they had listened in 2008, none of this would have happened.",
    # questions
    "If Russia invades, will you impose sanctions?",
    "Q: What happens if Putin attacks?",
    # indirect questions
    "I am not sure if he will attend the summit.",
    "We asked whether the meeting would take place.",
    # plain and procedural
    "The President spoke with the Chancellor today.",
    "We will continue to work with our allies.",
    "Russia invaded Ukraine on 24 February.",
    "Thank you very much.",
    # choices put to the speaker's own side are not two-path conditions
    "We can either act now or wait.",
    "It is a false choice between security and freedom.",
    "Either way, the meeting will go ahead.",
    # description
    "They discussed what would happen if talks failed.",
    "Even if it rains, the parade will take place.",
    "We will see what happens.",
    "The sanctions were discussed at length.",
    # "should" of obligation, not of condition; time and resolve, not conditions
    "Members of parliament should be in Ukraine at this time, as this will be a signal.",
    "If NATO cannot close the sky, they should at least provide aircraft.",
    "This war should end as soon as possible, but on Ukrainian terms.",
    "We will fight as long as it takes to liberate the country.",
    "If successful, the Kremlin will continue to build its empire.",
    # "otherwise" after a verb of opinion is "differently", not the other path
    "Prices are higher than they thought otherwise they would be.",
    "Those who believe otherwise they would be safer are mistaken.",
    # outcomes in sequence, with no condition: consequents alone do not add up to one
    "He'll take some questions, and then we'll do a briefing from there.",
    "We'll take stock of where we are, we'll consult, and then we'll determine next steps.",
    "In any case, we will find out that data, we will make it public, and we will act accordingly.",
    # a condition on the speaker's own side puts no choice to a target
    "If we do not work with our allies to stand up to aggression, we will pay a greater cost tomorrow.",
    "And if we stand idly by, our entire nation will pay the price for generations to come.",
    "If we want to defend the principles of democracy, we must defend Ukraine.",
]

TWO_PATH = [
    "Moscow can choose diplomacy, or it can choose confrontation and its consequences.",
    "Russia faces a choice between the path of dialogue and the path of escalation.",
    "There are two paths: the path of diplomacy and the path of escalation and massive costs.",
    "The alliance must defend its members, otherwise it will cease to exist.",
    "Moscow can return to the negotiating table or face the consequences.",
    # 'either ... or' leaves its 'or' to the path that follows it
    "They must either change course, or they will bear the cost of their aggression.",
    "Russia warned the United States to stop arming Ukraine or it will risk unpredictable consequences.",
    "The sanctions are flexible to allow for further escalation or de-escalation, depending on how Putin responds.",
]

# Known misses: sentences a rule written for that one quotation used to catch (issue 9).
TWO_PATH_KNOWN_MISSES = [
    # 'whether ... suffer ... consequences or not' ('whether_cost_or_not', deleted)
    "It is the choice of President Putin whether Russia will suffer severe consequences or not.",
]

NOT_TWO_PATH = [
    # a second path only in the previous sentence is no two_path (codebook)
    "Otherwise there will be destabilization all over the world.",
    "Because otherwise there will be no meeting.",
    # routes for grain, and actions taken or not, are no paths put to a target
    "We will help Ukraine keep exporting, including by alternative routes.",
    "We'll continue to watch until we see what actions they take or don't take.",
    "It's not a step the United States could take or the President could take.",
    # "or pay" and "whether ... or not" without a cost to a target are no paths
    "That is money a family could use to pay off a loan or pay the rent.",
    "No one should be excluded from participation or face discrimination on the basis of sex.",
    "The ultimate metric for whether the world is safer or not is facts on the ground.",
    "Whether we are fighting in this war or not, the U.S. is heavily involved.",
    "Inflation is robbing them of gains they thought otherwise they would be able to feel.",
    "If Russia invades, the response will be swift and severe.",
    "We can either act now or wait.",
    "The path of diplomacy remains open.",
    "Either way, the meeting will go ahead.",
    "It is a false choice between security and freedom.",
]


@pytest.mark.parametrize("sentence", MUST_FIRE)
def test_conditionality_fires(sentence):
    s = rhetoric.score(sentence)
    assert s.conditionality >= 0.5, s.explain()


@pytest.mark.parametrize("sentence", MUST_NOT_FIRE)
def test_conditionality_does_not_fire(sentence):
    s = rhetoric.score(sentence)
    assert s.conditionality < 0.5, s.explain()


@pytest.mark.parametrize("sentence", TWO_PATH)
def test_two_path_fires_and_implies_conditionality(sentence):
    s = rhetoric.score(sentence)
    assert s.two_path >= 0.5, s.explain()
    assert s.conditionality >= s.two_path


@pytest.mark.parametrize("sentence", NOT_TWO_PATH)
def test_two_path_does_not_fire(sentence):
    s = rhetoric.score(sentence)
    assert s.two_path < 0.5, s.explain()


def test_threat_supplies_the_consequent():
    s = rhetoric.score("If Russia invades, it will face crippling sanctions.")
    rules = {e.rule for e in s.evidence if e.construct == "conditionality"}
    assert "threat_consequent" in rules


def test_consequents_without_a_condition_count_as_one_and_say_so():
    s = rhetoric.score("We will find out that data, we will make it public, and we will act accordingly.")
    sent = s.sentences[0]
    rules = {e.rule: e.weight for e in sent.evidence if e.construct == "conditionality"}
    assert "no_condition_marker" in rules, s.explain()
    consequents = sum(w for r, w in rules.items() if r.startswith("consequent_"))
    assert consequents + rules["no_condition_marker"] == 2.0
    # The explanation's arithmetic still adds up to the score.
    assert abs(rhetoric.scoring.biases()["conditionality"] + sum(rules.values()) - sent.logit("conditionality")) < 1e-9


@pytest.mark.xfail(reason="known miss: no general rule reads it (issue 9)", strict=False)
@pytest.mark.parametrize("sentence", TWO_PATH_KNOWN_MISSES)
def test_two_path_known_misses(sentence):
    assert rhetoric.score(sentence).two_path >= 0.5
