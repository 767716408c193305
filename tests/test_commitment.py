"""COMMITMENT: hand-written sentences that must and must not fire (codebook, COMMITMENT)."""

import pytest

import rhetoric

# These test the hand-set rules: score with them (the default engine is the trained one).
pytestmark = pytest.mark.usefixtures("rules_engine")

MUST_FIRE = [
    "We will defend every inch of NATO territory.",
    "We are committed to the sovereignty of Ukraine.",
    "We stand with the people of Ukraine.",
    "We will respond.",
    "There is no room for compromise on this question.",
    "This is non-negotiable.",
    "Under no circumstances will we accept this.",
    "There's no trade space there. None.",
    "We will never accept the annexation of Crimea.",
    "Ukraine will never surrender.",
    "We will not give up our land.",
    "We won't accept any ultimatums.",
    "We must and we will defend our country.",
    "We reaffirmed our unwavering commitment to Ukraine's territorial integrity.",
    "We will fight as long as it takes.",
    "The United States will provide an additional $500 million in assistance.",
    "We will not waver in our support.",
    "We are prepared to deploy additional forces to the eastern flank.",
    "Let me be clear: we will not bargain over the right of a nation to choose its alliances.",
    "I pledge to do everything in my power to bring our people home.",
    "Russia will present draft documents on security guarantees.",
    "We will keep security assistance flowing to Ukraine.",
    "Our position is a red line.",
    "We will fight to the very end.",
    "We will defend our land to the bitter end.",
    # a negation does not reach across a dash into the next clause
    "They do not have five options - we will have only one answer.",
    # contractions: the subject and the verb in one word
    "We're ready to engage in diplomacy.",
    "I'm prepared to meet him anywhere.",
    # 'answer' with a cost is resolve, not talk about talk
    "We will answer any aggression with force.",
    "We certainly will do everything necessary to protect our people.",
    # a pledge of one's own beside another's broken commitment still counts
    "We will soon announce additional measures over the violation of Russia's international commitments.",
    # ... while an obligation to act still binds (codebook: "we must and we will")
    "We must fight until we clear our land of the occupiers.",
    # 'possible' is not a hedge: "everything possible" is resolve
    "We are ready to assist Ukraine in every possible way.",
    # 'begin' and 'start' are pledges unless they open a speech
    "We will begin our withdrawal today.",
    "Once we establish peace, we will begin the large-scale reconstruction of our state.",
    "We will send you our proposals in the near future.",
]

MUST_NOT_FIRE = [
    # hedges and wishes
    "We may consider further steps.",
    "We could look at other options.",
    "We hope the talks succeed.",
    "We intend to look into it.",
    "We will continue to look at options.",
    # deliberation is no decision (codebook: 'continue to monitor / assess' is 0)
    "We will continue to monitor it.",
    "We're going to continue to assess the needs on the ground.",
    # procedural and schedule
    "I will now give the floor to the Minister of Foreign Affairs.",
    "The President will travel to Brussels on Thursday.",
    "The President will also lay flowers at the memorial to the end of the Civil War.",
    "The report will be delivered by the Foreign Minister.",
    "The President will present the State Awards on Sunday.",
    "We will provide a readout of the call later today.",
    "If you have more questions, feel free to reach out and we will help.",
    # the briefing room's own procedure
    "Okay, I know it's late, but we will get to as many people as possible.",
    "As a reminder, we're going to take as many questions as possible.",
    "I'll take a few more questions.",
    "I'm going to answer his question.",
    "We'll share more about the implementation.",
    "I'll give you an example.",
    "We'll keep you posted.",
    "I will remind you that the talks began in 2015.",
    "So, I'll start with the trade pillar.",
    "We'll start - Mr. President, the podium is yours.",
    "And I'll turn it back to you, Jeff.",
    "THE PRESIDENT: I'll be very brief because I want to hear from all of you.",
    "MODERATOR: We'll go to Tamara Keith at NPR.",
    "And I'll get to that in a moment.",
    "We will sum up the results of your work in 2021.",
    # receiving is an outcome, not an act of the speaker's
    "I am sure that we will soon receive an answer on the candidate status for Ukraine.",
    # obligations to notice, think or say bind the speaker to no course of action
    "We all must keep a close eye on the situation.",
    "I must say that everything is quite well defined.",
    "We must understand how to ensure our security.",
    "So, we'll have that conversation.",
    # the speaker predicting what others will do binds no one
    "I think they will appreciate it when they hear it.",
    "I'm sure you will have them in your news organizations.",
    "I think it will probably be after Thanksgiving.",
    # 'going to' with talk, waiting or needing is no deliberate act
    "Of course, we have other issues as well that we're going to talk about.",
    "And we're going to wait for the results of the analysis.",
    "Yeah, I'll take one more.",
    # a cost to be borne, a remembrance, and others' broken promises bind no one
    "If we do not act, we will pay a greater cost tomorrow.",
    "We will always remember him as a courageous person.",
    "They are deploying more tanks instead of honouring their promise to remove that equipment.",
    "It is a breach of his commitments to the President.",
    # a demand on another actor binds no one of the speaker's side
    "Russia must withdraw its troops immediately.",
    "Everyone must stay calm.",
    "We will discuss this issue tomorrow.",
    "I'll let them speak for themselves.",
    "We'll see what happens.",
    # questions
    "Will you stand with Ukraine?",
    "Q: Are you committed to the deal?",
    # attributed to others, not shared
    "The occupiers are committing horrific crimes.",
    # plain description
    "The meeting took place in Geneva.",
    "Prices rose sharply last month.",
    "The Russian army shelled the city again.",
    "Thank you.",
    "He denied that he had promised anything.",
    "They had an order to seize the building at any cost.",
    "The contents of this call are embargoed until the end of the call.",
]


@pytest.mark.parametrize("sentence", MUST_FIRE)
def test_commitment_fires(sentence):
    s = rhetoric.score(sentence)
    assert s.commitment >= 0.5, s.explain()


@pytest.mark.parametrize("sentence", MUST_NOT_FIRE)
def test_commitment_does_not_fire(sentence):
    s = rhetoric.score(sentence)
    assert s.commitment < 0.5, s.explain()


def test_refusal_is_not_cancelled_by_its_own_negation():
    s = rhetoric.score("We will never accept this.")
    assert not any(e.rule.startswith("negated:") for e in s.evidence if e.construct == "commitment")
    assert s.commitment >= 0.5


def test_hedge_cancels_a_pledge():
    assert rhetoric.score("We will defend our allies.").commitment >= 0.5
    assert rhetoric.score("We might defend our allies.").commitment < 0.5
