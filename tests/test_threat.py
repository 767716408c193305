"""THREAT: hand-written sentences that must and must not fire (codebook, THREAT)."""

import pytest

import rhetoric

# These test the hand-set rules: score with them (the default engine is the trained one).
pytestmark = pytest.mark.usefixtures("rules_engine")

MUST_FIRE = [
    "If Russia invades Ukraine, it will face swift and severe consequences.",
    "Russia will pay a heavy price for this aggression.",
    "There will be consequences.",
    "We will impose massive sanctions on the Kremlin.",
    "We are ready to impose crippling costs on Moscow.",
    "Any attack on a NATO ally will be met with a decisive military response.",
    "The minister warned that any attack would bring a devastating response.",
    "Those responsible will be held accountable.",
    "We will respond decisively to any aggression.",
    "The EU must adopt a sixth package of sanctions against Russia without delay.",
    "We call on our partners to strengthen sanctions against the aggressor.",
    "All options are on the table.",
    "The United States will not stand idly by.",
    # an implied cost: inaction refused
    "And Russia will not go unpunished for this.",
    "We will not remain indifferent to these provocations.",
    "He's not going to stand by.",
    "Today we are imposing sanctions that will cut Russia off from the global financial system.",
    "Moscow will face unprecedented economic costs.",
    "We will retaliate against any country that joins these sanctions.",
    "Russia will take countermeasures against the deployment of these missiles.",
    "Our armed forces will destroy the occupiers.",
    "The response of the West will be swift, severe and united.",
    "Our response would be swift and certain.",
    "Those acts of Russian aggression will be met with a decisive, reciprocal, and united response.",
    "No option is off the table.",
    "Putin will bear the consequences of his choice.",
    "We will freeze the assets of the oligarchs who back this war.",
    "We are prepared to ratchet up the pressure on Moscow.",
    "Sanctions remain part of the options we have.",
    "Further costs are among the options on the table for Moscow.",
    "We are preparing tough sanctions in case of further escalation.",
    "Sanctions are not the only tool in our toolkit.",
    "Time is not on their side because of the sheer cost that is being imposed on them.",
    # 'possible' and 'potential' are no hedges: urgency, resolve, the target's act
    "The seventh package of sanctions against Russia is needed as soon as possible.",
    "We will use every possible measure to make Russia pay a price.",
    "We will respond to any potential escalation with severe costs.",
    # punishment promised or demanded
    "Everyone guilty of such crimes will be found and punished.",
    "We believe that they must all be punished.",
    "Until the invaders get punishment.",
    "We ask you to help us punish the aggressor.",
    "We will retaliate.",
    # the target's own asset stopped
    "We have coordinated our efforts to stop the Nord Stream 2 pipeline.",
    # calls for costs (codebook convention)
    "He has been very clear that there needs to be consequences for what Mr. Putin is doing.",
    "There needs to be costs.",
    "There must be consequences.",
    # calls for sanctions, and sanctions kept as an option (codebook conventions)
    "We call for the sanctions regime to be strengthened.",
    "Zelenskyy called on partners to push for an oil embargo.",
    "Of course, economic sanctions are an option.",
    "Sanctions are just one component of the tools that we have at our disposal.",
    "We are united in our determination to hold President Putin and his regime accountable for this war.",
]

MUST_NOT_FIRE = [
    # negation
    "We will not impose sanctions on our neighbours.",
    "No one is threatening Russia.",
    # denial
    "Moscow denies it plans an attack.",
    "The Kremlin has no plans to invade Ukraine.",
    # bare description and history
    "Troops are massing at the border.",
    "We condemn this attack in the strongest terms.",
    "Sanctions were imposed in 2014.",
    "They discussed the sanctions question.",
    # questions
    "Will Russia face consequences?",
    "Q: Are you going to impose sanctions on Russia?",
    # domestic costs and events
    "We will lower costs for American families.",
    "The consequences of the pandemic are still with us.",
    "Prices keep rising across the country.",
    "The project would cost an estimated seven billion rubles.",
    # relief and effects of sanctions suffered
    "Return to the deal would result in sanctions lifting.",
    "The illegal sanctions of the West have hurt our farmers.",
    "Due to the imposed international sanctions, protest sentiment is growing in Russia.",
    "The financial sanctions and the steps we've taken have crippled Russia's banking sector.",
    "We are reviewing sanctions relief for the humanitarian sector.",
    # plain sentences
    "Thank you very much.",
    "I will now give the floor to the Minister.",
    "The President met with the Chancellor of Germany today.",
    "We had a productive conversation about trade.",
    # punishment named with no cost signalled: the death penalty, trade disputes settled,
    # the other side's violence described, a denial of intent
    "He has grave concerns about capital punishment.",
    "The EU will drop their retaliatory tariffs.",
    "This is a punitive war.",
    "It is not meant to be a punishment.",
    "The pandemic has been punishing.",
    "They are subjected to mass reprisals, such as shelling attacks.",
    "We will not punish anyone for speaking out.",
    "Perhaps this would be a fair punishment for us, for humanity.",
    # responding to emergencies, questions or letters, or in writing: a reply is no cost
    "We will respond next week in writing, as I conveyed.",
    "We will respond to their proposals.",
    "Federal medical teams are ready to respond to surges nationwide.",
    "That funding will help respond to the influx of refugees.",
    # a refusal to stop the pipeline
    "We will not stop Nord Stream 2.",
    "He is an advocate for lowering costs for families.",
    # sanctions as history
    "Sanctions have already been imposed on Russia, which have taken away its future.",
    "The U.S. and Allies have been careful to have carveouts on the previous sanctions.",
]


@pytest.mark.parametrize("sentence", MUST_FIRE)
def test_threat_fires(sentence):
    s = rhetoric.score(sentence)
    assert s.threat >= 0.5, s.explain()


@pytest.mark.parametrize("sentence", MUST_NOT_FIRE)
def test_threat_does_not_fire(sentence):
    s = rhetoric.score(sentence)
    assert s.threat < 0.5, s.explain()


def test_negation_cancels_the_cue_and_says_so():
    s = rhetoric.score("We will not impose sanctions.")
    rules = [e.rule for e in s.evidence if e.construct == "threat"]
    assert any(r.startswith("negated:") for r in rules)
    # The cancelling record sits on the negation's words.
    neg = next(e for e in s.evidence if e.rule.startswith("negated:"))
    assert s.text[neg.start : neg.end] == "not"


def test_boosters_raise_the_score():
    plain = rhetoric.score("Russia will face sanctions.").threat
    boosted = rhetoric.score("Russia will face swift and severe sanctions.").threat
    assert boosted > plain


def test_hedge_lowers_the_score():
    firm = rhetoric.score("We will impose sanctions on Russia.").threat
    hedged = rhetoric.score("We may possibly impose sanctions on Russia.").threat
    assert hedged < firm


@pytest.mark.parametrize(
    "sentence",
    [
        "The seventh package of sanctions against Russia is needed as soon as possible.",
        "We will use every possible measure to make Russia pay a price.",
        "We will respond to any potential escalation with severe costs.",
    ],
)
def test_the_adjectives_possible_and_potential_are_not_hedges(sentence):
    # Codebook hedges are "possibly", "perhaps", ...: "as soon as possible" is urgency,
    # "every possible measure" is resolve, "potential escalation" names the target's act.
    assert rhetoric.score(sentence).hedges == 0


@pytest.mark.parametrize(
    "sentence", ["It is possible that we will impose sanctions.", "We could potentially impose sanctions."]
)
def test_possible_as_a_predicate_is_a_hedge(sentence):
    assert rhetoric.score(sentence).hedges >= 1


# Known misses: sentences a rule written for that one quotation used to catch (issue 9:
# rules state general patterns of the codebook). Kept to show what the rules do not read.
KNOWN_MISSES = [
    # the target's asset stopped, said the other way round ('pipeline_will_not_proceed')
    "If Russia invades Ukraine, one way or another Nord Stream 2 will not move forward.",
]


@pytest.mark.xfail(reason="known miss: no general rule reads it (issue 9)", strict=False)
@pytest.mark.parametrize("sentence", KNOWN_MISSES)
def test_known_misses(sentence):
    assert rhetoric.score(sentence).threat >= 0.5
